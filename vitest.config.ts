import { defineConfig } from 'vitest/config';

/**
 * The fast tier (`npm run test:unit`, about a minute): no servers, no child processes; its setup
 * makes either fail the test loudly (test/support/unit-guard.ts). Everything else runs in the
 * integration project against the real servers: tests that need them or start processes, and the
 * slow ones (whole runbooks in the sandbox, kill-and-resume, 10,000-policy checks) that need
 * neither. A new test file is integration until it is listed here.
 */
const UNIT = [
  'test/certificate-actions.test.ts',
  'test/engine-resume.test.ts',
  'test/engine.test.ts',
  'test/force-sync-synced-value.test.ts',
  'test/guarded-action-check.test.ts',
  'test/journal.test.ts',
  'test/kube-emulator-controllers.test.ts',
  'test/kube-emulator-patch-current.test.ts',
  'test/notifier.test.ts',
  'test/policy-rules.test.ts',
  'test/policy-verdict.test.ts',
  'test/prebuilt-runbooks.test.ts',
  'test/precheck.test.ts',
  'test/required-when.test.tsx',
  'test/rotates-agree.test.ts',
  'test/rotates-notification.test.ts',
  'test/runbook-flow-depth.test.ts',
  'test/runbook-load.test.ts',
  'test/sandbox-faults.test.ts',
  'test/sandbox-world.test.ts',
  'test/security/webhook-url-origin.test.ts',
  'test/session-key.test.ts',
  'test/ui-logic.test.tsx',
  'test/ui-no-color.test.tsx',
  'test/ui-policies.test.tsx',
  'test/ui-propagation.test.tsx',
  'test/ui-run-large.test.tsx',
  'test/ui-run.test.tsx',
  'test/ui-unfinished.test.tsx',
  'test/unit-guard.test.ts',
  'test/vault-actions-client.test.ts',
  'test/vault-actions-errors.test.ts',
  'test/vault-actions-kv.test.ts',
  'test/vault-api-path.test.ts',
  'test/vault-emulator-acl.test.ts',
  'test/vault-emulator-conformance.test.ts',
  'test/vault-emulator-pki-state.test.ts',
  'test/vault-emulator-sys.test.ts',
  'test/vault-kv-rotate-action.test.ts',
  'test/vault-path.test.ts',
  'test/vault-policy-files.test.ts',
  'test/vault-store-reads.test.ts',
];

export default defineConfig({
  test: {
    // Tests that start servers or a terminal take seconds, not milliseconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only make the real-server tests fight each other.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, setupFiles: ['test/support/unit-guard.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: UNIT,
        },
      },
    ],
  },
});
