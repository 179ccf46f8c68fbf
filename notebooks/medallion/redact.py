"""The one redactor of the Python tools: keeps keys, signatures and tokens out of every message they print."""

import re

# Every secret format any tool may print, tested from tests/fixtures/secret-formats.json (shared with
# src/shared/redact.ts, which masks the same formats).
_SECRET_FORMATS = (
    # The key of a SAS connection string: `SharedAccessKey=<key>` up to the next `;`, quote or space.
    re.compile(r"(SharedAccessKey\s*=\s*)[^;\"'\s]*", re.IGNORECASE),
    # A connection string made from a SAS token: `SharedAccessSignature=SharedAccessSignature sr=...` holds spaces.
    re.compile(r"(SharedAccessSignature\s*=\s*)[^;\"']*", re.IGNORECASE),
    # The signature of a SAS token, in a URL query or an `Authorization: SharedAccessSignature sr=...&sig=...` header.
    re.compile(r"([?&\s]sig=)[^&;\"'\s]*", re.IGNORECASE),
    # Case-sensitive: a header says `Bearer`, while prose ("the bearer token") must stay readable.
    re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+"),
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Returns `text` with every given secret value and every secret format above replaced by `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    for secret_format in _SECRET_FORMATS:
        text = secret_format.sub(r"\1***", text)
    return text
