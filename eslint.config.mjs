// Type-aware lint with three rules only (docs/decisions.md): promises are awaited or dropped on
// purpose, switches over unions name every case, and type-only imports say so. The TypeScript
// files are typed by tsconfig.json; the few plain scripts by a default project.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "cdktf.out/**"] },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.mjs", "bin/*.js"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // The plain scripts and bins (a dozen) share the default project; its limit is 8 by default.
        projectService: { allowDefaultProject: ["*.mjs", "*.mts", "scripts/*.mjs", "bin/*.js"], maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 24 },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
);
