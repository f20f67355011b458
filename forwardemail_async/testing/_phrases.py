"""The English message texts the fake answers with, as the server stores them.

Most come verbatim from the server's ``config/phrases.js`` (Appendix A of the contract), HTML
included: error messages go through :func:`~._text.html_to_text` on the way out, as on the real
server, so a link turns into ``text URL``.  The rest are messages the server hard-codes in its
models; the ones marked *guess* were not captured from the source.  Route modules added later put
their phrases here as well.
"""

from __future__ import annotations

from typing import Final

# --- authentication and account guards -------------------------------------------------------
INVALID_API_CREDENTIALS: Final = "Invalid API credentials."
AUTHENTICATION_REQUIRED: Final = "Authentication is required."
# Alias auth (app/controllers/api/v1/alias-auth.js) uses literal texts, not phrase keys.
BASIC_AUTH_REQUIRED: Final = "Basic authentication required"
AUTHENTICATION_FAILED: Final = "Authentication failed"
INVALID_API_TOKEN: Final = "Invalid API token."
EMAIL_VERIFICATION_REQUIRED: Final = "Please verify your email address to continue."
ACCOUNT_BANNED: Final = "Your account has been banned."
IS_NOT_ADMIN: Final = "You do not belong to the administrative user group."
PLAN_UPGRADE_REQUIRED: Final = (
    'Please <a class="font-weight-bold" href="%s">upgrade to a paid plan</a> '
    "to unlock this feature."
)
DELETE_PROTECTED: Final = (
    "DELETE requests are dummy-proofed and protected from access within our API docs, please "
    "make a request outside of our API docs using your preferred client to perform this request."
)
INVALID_EMAIL: Final = "Email address was invalid."
# co-body's error for JSON that is not an object or an array.
INVALID_JSON_TYPE: Final = "invalid JSON, only supports object and array"
# raw-body's error for bodies over the parser's limit.
BODY_TOO_LARGE: Final = "request entity too large"

# --- domains --------------------------------------------------------------------------------
DOMAIN_DOES_NOT_EXIST: Final = "Domain does not exist on your account."
DOMAIN_DOES_NOT_EXIST_ANYWHERE: Final = "Domain does not exist."
DOMAIN_ALREADY_EXISTS: Final = "Domain already exists on your account."
INVALID_DOMAIN: Final = (
    'Domain name was invalid (must be a domain name without protocol, for example "domain.com" '
    'instead of "http://domain.com" or an IP address).'
)
INVALID_PLAN: Final = "Invalid plan selected."
INVALID_PORT: Final = "Invalid port number."
INVALID_BYTES: Final = 'Bytes were invalid, must be a string such as "1 GB" or "100 MB".'
INVALID_LOCALHOST_URL: Final = "Localhost and private IP addresses are not permitted."
INVALID_BOUNCE_WEBHOOK: Final = "Bounce webhook must be a valid URL."  # guess
DOMAIN_MAX_QUOTA_EXCEEDS_USER: Final = (
    'The quota for <span class="notranslate">%s</span> of <span class="notranslate">%s</span> '
    'exceeds the maximum quota of <span class="notranslate">%s</span> from admins of the domain.'
)
# mongoose min/max validators, humanized by the error handler.
RETENTION_DAYS_TOO_LOW: Final = "Path `Retention days` (%s) is less than minimum allowed value (0)."
RETENTION_DAYS_TOO_HIGH: Final = (
    "Path `Retention days` (%s) is more than maximum allowed value (30)."
)
DOMAIN_IS_VERIFIED: Final = "Domain's DNS records have been verified."
EMAIL_SMTP_IS_VERIFIED: Final = (
    "You have successfully configured and verified DNS records for outbound SMTP."
)
MULTIPLE_VERIFICATION_ERRORS: Final = "Multiple errors occurred during record verification."
MISSING_VERIFICATION_RECORD: Final = (
    'Domain is missing required DNS <span class="notranslate">TXT</span> record of: '
    '<span class="notranslate">%s</span>'
)
MISSING_DNS_MX: Final = "Domain is missing required DNS MX records of: %s"  # shortened (no FAQ)
MISSING_SMTP_RECORD: Final = "Domain is missing required DNS %s record of: %s"  # guess

# --- aliases --------------------------------------------------------------------------------
ALIAS_DOES_NOT_EXIST: Final = "Alias does not exist on the domain."
ALIAS_ALREADY_EXISTS: Final = "Alias already exists for domain."
ALIAS_WITH_PLUS_UNSUPPORTED: Final = (
    'Aliases cannot have a "+" symbol as this is a built-in filtering feature (similar to Gmail).'
)
ALIAS_NAME_EXCLAMATION: Final = "Alias must not start with an exclamation point."
ALIAS_NAME_INVALID: Final = "Alias name was invalid."
INVALID_REGEX_PATTERN: Final = (
    'The regex alias <span class="notranslate">%s</span> has an invalid pattern: '
    '<span class="notranslate">%s</span>. Please note that Perl-style operators like negative '
    "lookahead (?!) and lookbehind (?<!) are not supported."
)
INVALID_ERROR_CODE_IF_DISABLED: Final = (
    'Error code if disabled must be either <span class="notranslate">250</span>, '
    '<span class="notranslate">421</span>, or <span class="notranslate">550</span>.'
)
ALIAS_MUST_HAVE_ONE_RECIPIENT: Final = "Alias must have at least one recipient."
INVALID_RECIPIENT: Final = (
    'Recipient must be a valid email address, fully-qualified domain name ("FQDN"), IP address, '
    "or webhook URL"
)
RECIPIENT_VERIFICATION_EMAILS_ONLY: Final = (
    "Recipient verification requires every recipient to be an email address."  # guess
)
CATCHALL_ADMIN_REQUIRED: Final = "User must be a domain admin to create a catch-all alias."
RESERVED_WORD_ADMIN_REQUIRED: Final = (
    "User must be a domain admin to create an alias with a reserved word (see the page on "
    '<a target="_blank" rel="noopener noreferrer" class="font-weight-bold" '
    'href="%s/reserved-email-addresses">Reserved Email Addresses</a>).'
)
CATCHALL_MUST_BE_ENABLED: Final = (
    "Alias that is a catch-all must be enabled or deleted entirely to be disabled."
)
IMAP_NOT_ALLOWED: Final = (
    "IMAP cannot be enabled on a catch-all or regular expression alias."  # guess
)
EXCEEDED_UNIQUE_COUNT: Final = (
    'You have exceeded the maximum count of (<span class="notranslate">%s</span>) recipients per '
    'alias.  Please <a class="font-weight-bold" href="/help">contact us</a> if you wish to have '
    "this limit increased.  We review requests on a unique basis.  Please provide us with "
    "information about your forwarding purposes if possible."
)
ALIAS_MUST_NOT_MATCH_RECIPIENT: Final = (
    'Alias forwarding recipients cannot be equal to <strong class="notranslate">%s</strong> '
    "&ndash; otherwise recursive forwarding would occur.  Please change or remove the forwarding "
    'recipient of <strong class="notranslate">%s</strong> to continue.'
)
ALIAS_QUOTA_EXCEEDS_DOMAIN: Final = (
    "The quota for <span class='notranslate'>%s</span> of <span class='notranslate'>%s</span> "
    "exceeds the domain's maximum quota of <span class='notranslate'>%s</span>."
)
DESCRIPTION_TOO_LONG: Final = (
    "Path `Description` (`%s`) is longer than the maximum allowed length (150)."
)
# Which error an unparseable OpenPGP key gives is a guess.
FAILED_TO_PROCESS_PUBLIC_KEY: Final = "Failed to process public key."
VACATION_RESPONDER_NAME_SPECIFIC: Final = (
    "Vacation responder can only be enabled for specific alias names (catchall/wildcard and "
    "regular expressions are not supported)."
)
VACATION_RESPONDER_SMTP_REQUIRED: Final = (
    'You need to <a href="%s" target="_blank" rel="noopener noreferrer">configure Outbound '
    'SMTP</a> (and be approved) for <span class="notranslate">%s</span> in order to use a '
    "vacation responder."
)
VACATION_RESPONDER_DATE_INVALID: Final = (
    "Vacation responder start and/or end dates must be in MM/DD/YYYY format."
)
VACATION_RESPONDER_DATE_ISSUE: Final = "Vacation responder start date must be before its end date."

# --- alias passwords ------------------------------------------------------------------------
CANNOT_CREATE_TOKEN_FOR_CATCHALL: Final = "Cannot create token for catch-all alias."
CANNOT_CREATE_TOKEN_FOR_REGEX: Final = "Cannot create token for regex alias."
ALIAS_OVERRIDE_REQUIRED: Final = (
    "You must enter the current password for the alias or check the checkbox to override and "
    "delete the mailbox."
)
ALIAS_OVERRIDE_CANNOT_HAVE_PASSWORD: Final = (
    "You cannot enter your current password and also attempt to override at the same time."
)
INVALID_PASSWORD: Final = "Password was invalid."
INVALID_PASSWORD_STRENGTH: Final = "Password strength was not strong enough."
INVALID_PASSWORD_CHARACTERS: Final = "Quotes and apostrophes cannot be used as password characters."
ALIAS_PASSWORD_INSTRUCTIONS: Final = "Alias password instructions have been emailed to %s."

# --- account, logs and encrypt ----------------------------------------------------------------
# passport-local-mongoose's default error messages (Users.register).
MISSING_USERNAME: Final = "No username was given"
USER_EXISTS: Final = "A user with the given username is already registered"
UNKNOWN_ERROR: Final = (
    "An unknown error has occurred. We have been alerted of this issue. Please try again."
)
INVALID_REQUEST_BODY: Final = "Invalid request body."
SETTINGS_ARCHIVE_FOLDER_INVALID: Final = "Archive folder must be a non-empty string or null."
SETTINGS_SENT_FOLDER_INVALID: Final = "Sent folder must be a non-empty string or null."
SETTINGS_DRAFTS_FOLDER_INVALID: Final = "Drafts folder must be a non-empty string or null."
NO_RESULTS_FOUND: Final = "No results were found."
LOG_DOWNLOAD_IN_PROGRESS: Final = "Your report will be emailed to you shortly."
INPUT_HAD_FE_SV: Final = "You do not need to encrypt site verification records"

# --- catch-all passwords, invites and members ---------------------------------------------------
DOMAIN_EXCEEDS_CATCHALL_PASSWORD_LIMIT: Final = (
    'You cannot have more than <span class="notranslate">%d</span> catch-all passwords '
    "generated at once"
)
INVALID_GROUP: Final = "Group was invalid, must be either admin or user."
INVITE_ALREADY_SENT: Final = (
    "Invite was already sent to this email address.  Please manually copy the invite link and "
    "share it with this person if needed."
)
USER_ALREADY_MEMBER: Final = "User is already an accepted member of this domain"
INVITE_DOES_NOT_EXIST: Final = "Invite does not exist with your email address for this domain."
DOMAIN_ALREADY_EXISTS_REMOVE_FIRST: Final = (
    "You already have a domain with this name; remove it first to accept the invite."  # guess
)
INVITE_ACCEPTED_ADMIN: Final = (
    "You have successfully accepted the invite to this domain and are an admin."
)
INVITE_ACCEPTED_USER: Final = (
    "You have successfully accepted the invite to this domain and you can now create your first "
    "alias."
)
INVALID_USER: Final = "User does not exist."
INVALID_MEMBER: Final = "Member does not exist."

# --- outbound emails --------------------------------------------------------------------------
EMAIL_DOES_NOT_EXIST: Final = "Email does not exist."
EMAIL_REMOVED: Final = "Email was removed from the queue by an admin."
# The newest phrases.js text (it also names a "scheduled" status this remove-email never allows).
INVALID_EMAIL_STATUS: Final = "Email status must be pending, queued, deferred, or scheduled."
EMAIL_SMTP_ACCESS_REQUIRED: Final = (
    'Domain is not approved for outbound SMTP access, please <a class="font-weight-bold" '
    'href="/help">contact us</a>.'
)
ENVELOPE_FROM_MISSING: Final = "Envelope MAIL FROM header could not be parsed or was missing."
PAST_DUE_OR_INVALID_ADMIN: Final = (
    "Domain has past due balance or does not have at least one valid admin."
)
ALIAS_ACCOUNT_BANNED: Final = "Alias user is banned."
ALIAS_IS_NOT_ENABLED: Final = "Alias is not enabled."
INVALID_FROM_HEADER: Final = (
    'From header must be equal to <span class="notranslate">%s</span> (or) you can use a '
    'domain-wide catch-all password at <a href="%s" target="_blank" rel="noopener noreferrer">'
    "%s</a>"
)
INVALID_CATCHALL_FROM_HEADER: Final = (
    'From header must end with <span class="notranslate">%s</span>'
)
MULTIPLE_FROM_HEADERS: Final = "The email sent contains multiple From headers"
SMTP_RATE_LIMIT_EXCEEDED: Final = "You have exceeded your daily SMTP outbound rate limit."
# helpers/get-nodemailer-message-from-request.js (literal texts, not phrase keys).
NODEMAILER_DOCS: Final = "https://nodemailer.com/message/attachments/"
DSN_MUST_BE_OBJECT: Final = 'Nodemailer option "dsn" must be an Object'
ATTACHMENTS_MUST_BE_ARRAY: Final = (
    f'Attachments option "attachments" must be an Array if set; {NODEMAILER_DOCS}'
)
ATTACHMENTS_MUST_BE_OBJECTS: Final = f'"attachments" must contain only objects; {NODEMAILER_DOCS}'
ATTACHMENTS_NO_PATH_OR_HREF: Final = (
    f'"attachments" cannot use "path" nor "href" properties, please use "content" instead; '
    f"{NODEMAILER_DOCS}"
)
CONTENT_NO_PATH_OR_HREF: Final = f'"%s" cannot use "path" nor "href" properties; {NODEMAILER_DOCS}'
# Node's ERR_UNKNOWN_ENCODING, passed through as a 400.
UNKNOWN_ENCODING: Final = "Unknown encoding: %s"

# --- alias-authenticated mailbox: contacts, calendars, events, folders, messages, sieve ----------
# config/phrases.js (id 19030788567) unless marked *guess* (keys the controllers use but that
# file lacks: the server would fall back to something we could not see).
ETAG_DOES_NOT_MATCH: Final = "ETag does not match."
CONTACT_DOES_NOT_EXIST: Final = "Contact does not exist."
CONTACT_ALREADY_EXISTS: Final = "Contact already exists."
CONTACT_FULLNAME_OR_CONTENT_REQUIRED: Final = "Contact must have either fullName or vCard content."
CONTACT_FULLNAME_INVALID: Final = "Contact full name must be a valid string."
CONTACT_CONTENT_INVALID: Final = "Contact content must be a valid string."
CONTACT_ID_INVALID: Final = "Contact ID must be a valid string."  # guess
CONTACT_UID_INVALID: Final = "Contact UID must be a valid string."  # guess
CONTACT_UPDATE_FIELDS_REQUIRED: Final = "At least one field must be provided for contact update."
CONTACT_EMAILS_MUST_BE_ARRAY: Final = "Contact emails must be an array."
CONTACT_EMAIL_MUST_BE_OBJECT: Final = "Contact email must be an object."
CONTACT_EMAIL_INVALID: Final = (
    "Contact email address is required and must be a valid email address."
)
CONTACT_EMAIL_TYPE_INVALID: Final = "Contact email type must be a valid string."
CONTACT_PHONES_MUST_BE_ARRAY: Final = "Contact phones must be an array."
CONTACT_PHONE_MUST_BE_OBJECT: Final = "Contact phone must be an object."
CONTACT_PHONE_INVALID: Final = "Contact phone number is required and must be a valid string."
CONTACT_PHONE_TYPE_INVALID: Final = "Contact phone type must be a valid string."
CONTACT_ADDRESSES_MUST_BE_ARRAY: Final = "Contact addresses must be an array."
CONTACT_ADDRESS_MUST_BE_OBJECT: Final = "Contact address must be an object."
CONTACT_ADDRESS_STREET_INVALID: Final = "Contact address street must be a valid string."
CONTACT_ADDRESS_CITY_INVALID: Final = "Contact address city must be a valid string."
CONTACT_ADDRESS_STATE_INVALID: Final = "Contact address state must be a valid string."
CONTACT_ADDRESS_POSTAL_CODE_INVALID: Final = "Contact address postal code must be a valid string."
CONTACT_ADDRESS_COUNTRY_INVALID: Final = "Contact address country must be a valid string."
CONTACT_ADDRESS_TYPE_INVALID: Final = "Contact address type must be a valid string."
CALENDAR_NAME_REQUIRED: Final = "Calendar name is required."
CALENDAR_INVALID_ID: Final = "Invalid calendar ID."
CALENDAR_ID_REQUIRED: Final = "Calendar ID is required."
CALENDAR_ALREADY_EXISTS: Final = "Calendar already exists."
CALENDAR_DOES_NOT_EXIST: Final = "Calendar does not exist."
ICAL_DATA_REQUIRED: Final = "iCal data is required."
START_DATE_INVALID: Final = "Start date must be a valid ISO-8601 date."
END_DATE_INVALID: Final = "End date must be an valid ISO-8601 date."
END_BEFORE_START: Final = "End date must be after start date."
CALENDAR_EVENT_INVALID_ID: Final = "Invalid calendar event ID."  # guess
CALENDAR_EVENT_DOES_NOT_EXIST: Final = "Calendar event does not exist."  # guess
CALENDAR_EVENT_ALREADY_EXISTS: Final = "Calendar event already exists."  # guess
# A literal text in the newest calendar-events.js (contract §4.9).
CALENDAR_EVENT_SORT_INVALID: Final = "Invalid calendar event sort field"
FOLDER_NAME_OR_PATH_REQUIRED: Final = "Folder must have either name or path."
FOLDER_DOES_NOT_EXIST: Final = "Folder does not exist."
IMAP_MAILBOX_ALREADY_EXISTS: Final = "Mailbox already exists"
IMAP_MAILBOX_RESERVED: Final = "Mailbox is reserved and cannot be removed"
MESSAGE_INVALID_ID: Final = "Invalid message ID."
MESSAGE_DOES_NOT_EXIST: Final = "Message does not exist."
MESSAGE_FLAGS_INVALID: Final = "Message flags invalid."
MESSAGE_LABELS_INVALID: Final = "Message labels invalid."  # guess
SIEVE_SCRIPT_NAME_REQUIRED: Final = "Sieve script name is required."  # guess
SIEVE_SCRIPT_REQUIRED: Final = "Sieve script content is required."  # guess
SIEVE_INVALID_SCRIPT: Final = "Invalid Sieve script: %s"  # guess
SIEVE_SECURITY_ERROR: Final = "Sieve script security error: %s"  # guess
SIEVE_SCRIPT_ALREADY_EXISTS: Final = "A Sieve script with this name already exists."  # guess
SIEVE_MAX_SCRIPTS_EXCEEDED: Final = "Maximum number of Sieve scripts exceeded."  # guess
SIEVE_SCRIPT_NOT_FOUND: Final = "Sieve script not found."  # guess
SIEVE_CANNOT_DELETE_ACTIVE: Final = "Cannot delete the active Sieve script."  # guess
SIEVE_REQUIRES_IMAP: Final = "Sieve filtering requires IMAP to be enabled for the alias."  # guess
# guess
SIEVE_NOT_ALLOWED_FOR_CATCHALL: Final = "Sieve scripts are not allowed for catch-all aliases."

# --- allowlist/denylist, custom S3, push tokens (config/phrases.js at add3da8a) ---------------
ALLOWLIST_DENYLIST_EXCEEDS_LIMIT: Final = (
    "The domain's custom allowlist or denylist exceeds the limit of "
    "<span class='notranslate'>%d</span> entries."
)
CUSTOM_S3_REQUIRED_FIELDS: Final = (
    "Custom S3 storage requires all fields to be filled in: endpoint URL, access key ID, secret "
    "access key, and bucket name."
)
CUSTOM_S3_INVALID_ENDPOINT: Final = (
    "Endpoint URL must start with https:// (e.g. https://s3.us-east-1.amazonaws.com). Please "
    "include the full URL with protocol."
)
CUSTOM_S3_PUBLIC_BUCKET: Final = (
    "The S3 bucket you specified is publicly accessible. This is a security risk for email "
    "backups. Please restrict public access on your bucket and try again."
)
CUSTOM_S3_TEST_SUCCESS: Final = (
    "Successfully connected to your custom S3 storage. Credentials are valid and the bucket is "
    "accessible."
)
CUSTOM_S3_TEST_FAILED: Final = "Failed to connect to your custom S3 storage: %s"
PUSH_TOKEN_REQUIRED: Final = "Token is required and must be a non-empty string."
PUSH_TOKEN_MAX_LENGTH: Final = "Token exceeds maximum length of %d characters."
PUSH_TOKEN_APNS_INVALID: Final = (
    "APNs token must be a lowercase or uppercase hex string (64-200 characters)."
)
PUSH_TOKEN_FCM_TOO_SHORT: Final = "FCM token must be at least %d characters."
PUSH_TOKEN_FCM_INVALID: Final = "FCM token contains invalid characters."
PUSH_TOKEN_UNIFIED_PUSH_INVALID: Final = "UnifiedPush token must be a valid HTTPS endpoint URL."
PUSH_TOKEN_WEB_PUSH_JSON: Final = "Web Push token must be a valid JSON PushSubscription object."
PUSH_TOKEN_WEB_PUSH_OBJECT: Final = "Web Push token must be a JSON object."
PUSH_TOKEN_WEB_PUSH_ENDPOINT: Final = "Web Push subscription must include a string endpoint."
PUSH_TOKEN_WEB_PUSH_KEYS: Final = "Web Push subscription must include keys object."
PUSH_TOKEN_PLATFORM_REQUIRED: Final = "platform is required and must be one of: %s."
PUSH_TOKEN_DEVICE_NAME_INVALID: Final = "device_name must be a string."
PUSH_TOKEN_DEVICE_NAME_MAX_LENGTH: Final = "device_name must not exceed %d characters."
PUSH_TOKEN_ALIAS_ID_REQUIRED: Final = "alias_id is required when using API token authentication."
PUSH_TOKEN_ALIAS_ID_INVALID: Final = "alias_id must be a valid ObjectId."
PUSH_TOKEN_ALIAS_NOT_FOUND: Final = "Alias not found or does not belong to the authenticated user."
PUSH_TOKEN_LIMIT_EXCEEDED: Final = (
    "Maximum of %d push tokens per alias. Please remove an existing token before registering a "
    "new one."
)
PUSH_TOKEN_INVALID_ID: Final = "Invalid push token ID."
PUSH_TOKEN_NOT_FOUND: Final = "Push token not found."
PUSH_TOKEN_FORBIDDEN: Final = "You do not have permission to delete this token."
PUSH_TOKEN_INVALID_URL: Final = "Invalid URL format."
PUSH_TOKEN_HTTPS_REQUIRED: Final = "Only HTTPS URLs are allowed."
PUSH_TOKEN_PRIVATE_URL: Final = "URL must not point to private, reserved, or localhost addresses."
PUSH_TOKEN_URL_CREDENTIALS: Final = "URL must not contain credentials."
PUSH_TOKEN_URL_NONSTANDARD_PORT: Final = "URL must use standard HTTPS port (443)."

# --- observatory (literal texts in app/controllers/api/v1/observatory.js at f79b8d49) -------------
OBSERVATORY_QUERY_REQUIRED: Final = 'Query parameter "q" is required'
OBSERVATORY_VALUE_REQUIRED: Final = 'Field "value" is required'
OBSERVATORY_INVALID_DOMAIN: Final = "Invalid domain name"
OBSERVATORY_INVALID_IP: Final = "Invalid IP address"
OBSERVATORY_LOOKUP_FIRST: Final = "Subject not found. Use /v1/observatory/lookup first."
OBSERVATORY_SUBJECT_NOT_FOUND: Final = "Subject not found"
OBSERVATORY_NOT_MONITORING: Final = "You are not monitoring this subject"
OBSERVATORY_ALREADY_MONITORING: Final = "You are already monitoring this subject"
OBSERVATORY_NO_DOMAIN_ACCESS: Final = "Domain not found or you do not have access"
OBSERVATORY_MONITOR_ADDED: Final = "Monitor added successfully"
OBSERVATORY_MONITOR_REMOVED: Final = "Monitor removed successfully"
# mongoose's enum validator for a `type` other than domain/ip (guess at the rendering).
OBSERVATORY_INVALID_TYPE: Final = "`%s` is not a valid enum value for path `type`."
