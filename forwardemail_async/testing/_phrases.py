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
