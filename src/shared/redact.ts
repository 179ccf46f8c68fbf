// The one redactor of the TypeScript tools: keeps keys, signatures and tokens out of everything they print.

const replacement = "***";

// Every secret format any tool may print, tested from tests/fixtures/secret-formats.json (shared with
// notebooks/medallion/redact.py, which masks the same formats).
const secretFormats: readonly RegExp[] = [
    // The key of a SAS connection string: `SharedAccessKey=<key>` up to the next `;`, quote or space.
    /(SharedAccessKey\s*=\s*)[^;"'\s]*/gi,
    // A connection string made from a SAS token: `SharedAccessSignature=SharedAccessSignature sr=…` holds spaces.
    /(SharedAccessSignature\s*=\s*)[^;"']*/gi,
    // The signature of a SAS token, in a URL query or an `Authorization: SharedAccessSignature sr=…&sig=…` header.
    /([?&\s]sig=)[^&;"'\s]*/gi,
    // Case-sensitive: a header says `Bearer`, while prose ("the bearer token") must stay readable.
    /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
];

/**
 * Returns `text` with every known secret value and every secret format above replaced by `***`. Error messages from
 * SDKs and servers can echo a connection string, a SAS token or a header; the tools pass everything they print
 * through here.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
    let result = text;
    for (const secret of secrets) {
        // Short values would blank out ordinary words; real tokens and keys are long.
        if (secret !== undefined && secret.length >= 8) {
            result = result.split(secret).join(replacement);
        }
    }
    for (const format of secretFormats) {
        result = result.replace(format, `$1${replacement}`);
    }
    return result;
}
