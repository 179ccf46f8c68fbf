// Keeps tokens and keys out of everything the operational tools print, whatever an error message carries.

const replacement = "***";

/**
 * Returns `text` with every known secret value, every `SharedAccessKey=` value and every bearer token replaced by
 * `***`. Error messages from SDKs and servers can echo a connection string or a header; the tools pass everything
 * they print through here.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
    let result = text;
    for (const secret of secrets) {
        // Short values would blank out ordinary words; real tokens and keys are long.
        if (secret !== undefined && secret.length >= 8) {
            result = result.split(secret).join(replacement);
        }
    }
    return result
        .replace(/(SharedAccessKey\s*=\s*)[^;"'\s]+/gi, `$1${replacement}`)
        .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, `$1${replacement}`);
}
