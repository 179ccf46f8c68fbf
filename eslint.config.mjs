// Lint rules for the TypeScript sources: the recommended sets, with unused names as errors.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            ".venv/**",
            "policies/node_modules/**",
            "**/*.js",
            "**/*.mjs",
            ".base/**",
            ".base-test-*/**",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
);
