// Lint configuration: type-aware typescript-eslint plus the import-boundary rule of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const boundary = (from, forbidden, message) => ({
  files: [`src/${from}/**/*.ts`],
  // Tests may use fakes (the in-memory store) and test deployments.
  ignores: ['**/*.test.ts', '**/*-test-deployment.ts'],
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

/** `../x`, `../../x`, … up to `depth` levels: a top-level src/ folder named from anywhere below src/. */
const upTo = (depth, path) => Array.from({ length: depth }, (_, i) => `${'../'.repeat(i + 1)}${path}`);

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'bin/**',
      '.s2s/**',
      'console/dist/**',
      'dist/**',
      'test-artifacts/**',
      'eslint.config.js',
      'scripts/**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  // `s2s --help` loads no X.509 library (docs/architecture.md "Runtime"): the CLI adapter and config take
  // values from core modules directly, not through the indexes that re-export the X.509 model.
  {
    files: ['src/adapters/cli/**/*.ts', 'src/config/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/core/index.ts',
                '**/core/certificates/index.ts',
                '../ca/index.ts',
                '../../ca/index.ts',
                '../../../../ca/index.ts',
              ],
              allowTypeImports: true,
              message:
                'import the core module itself: this index loads the X.509 library at every s2s start (docs/architecture.md "Runtime")',
            },
          ],
        },
      ],
    },
  },
  // src/core/ca and src/core/replication are core; src/ca and src/replication (two levels up) are not.
  boundary(
    'core',
    [
      '**/store/**',
      '**/adapters/**',
      '**/main/**',
      '**/services/**',
      '**/config/**',
      '../../ca/**',
      '../../../ca/**',
      '../../replication/**',
      '../../../replication/**',
    ],
    'core imports nothing outside core (docs/architecture.md)',
  ),
  boundary(
    'adapters',
    ['**/store/sqlite/**', '**/store/postgres/**'],
    'adapters never import a store implementation; only src/main wires them',
  ),
  boundary('store', ['**/adapters/**', '**/main/**'], 'store imports only core and the store port'),
  boundary(
    'services',
    [
      '**/adapters/**',
      '**/main/**',
      '**/config/**',
      ...upTo(4, 'replication/**'),
      '**/store/sqlite/**',
      '**/store/postgres/**',
      '**/store/memory/**',
      '**/ca/enrollment-client*',
      '**/ca/acme-enrollment*',
    ],
    'services import core, the CA (remote CAs through its CaBackend port) and the store port only',
  ),
  // One X.509 engine: certificates are built in src/ca (x509.ts); core only reads them (certificate-info.ts).
  {
    files: ['src/**/*.ts'],
    ignores: ['src/ca/**', 'src/core/certificates/certificate-info.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@peculiar/x509',
              message: 'build and read X.509 through src/ca (x509.ts), the one engine',
            },
          ],
        },
      ],
    },
  },
  boundary(
    'ca',
    [
      '**/store/**',
      '**/adapters/**',
      '**/main/**',
      '**/services/**',
      '**/config/**',
      ...upTo(3, 'replication/**'),
    ],
    'the certification authority imports core only (docs/architecture.md)',
  ),
  boundary(
    'config',
    [
      '**/store/**',
      '**/adapters/**',
      '**/main/**',
      '**/services/**',
      ...upTo(3, 'ca/**'),
      ...upTo(3, 'replication/**'),
    ],
    'config imports core only (docs/architecture.md)',
  ),
  boundary(
    'adapters',
    [
      '**/main/**',
      ...upTo(5, 'replication/**'),
      '**/store/memory/**',
      ...upTo(5, 'ca/enrollment-client*'),
      ...upTo(5, 'ca/acme-enrollment*'),
    ],
    'adapters never reach the composition root or replication internals (docs/architecture.md)',
  ),
  boundary(
    'store/sqlite',
    ['**/postgres/**', '**/memory/**', '**/services/**', ...upTo(4, 'replication/**')],
    'a store implementation imports core and the store port only',
  ),
  boundary(
    'store/postgres',
    ['**/sqlite/**', '**/memory/**', '**/services/**', ...upTo(4, 'replication/**')],
    'a store implementation imports core and the store port only',
  ),
  boundary(
    'store/memory',
    ['**/sqlite/**', '**/postgres/**', '**/services/**', ...upTo(4, 'replication/**')],
    'a store implementation imports core and the store port only',
  ),
  boundary(
    'replication',
    ['**/adapters/**', '**/main/**', '**/services/**', '**/store/sqlite/**', '**/store/postgres/**'],
    'replication imports core and the store port only',
  ),
);
