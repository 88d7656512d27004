/**
 * The OpenAPI 3.1 document of the administration API (docs/admin.md "API"), built from the table of
 * operations so it never drifts from the routes: one path per operation with its effect, the roles that
 * may call it and the CLI command it serves; the session endpoints; the two security schemes; the
 * refusals with their codes.
 */
import { ADMIN_OPERATIONS, ALL_ERRORS, ROLE_DESCRIPTIONS } from '../../../core/index.ts';

const PREFIX = '/admin/api/v1';

const errorResponse = (description: string, codes: readonly string[]) => ({
  description: `${description} Codes: ${codes.join(', ')}.`,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const REFUSALS = {
  '400': errorResponse('Malformed arguments.', [
    'ERR_USAGE',
    'ERR_INVALID_INPUT',
    "and each operation's usage codes",
  ]),
  '401': errorResponse('No valid API token or session.', ['ERR_ADMIN_UNAUTHENTICATED']),
  '403': errorResponse('The role may not run it, or a CSRF check failed.', [
    'ERR_ADMIN_FORBIDDEN',
    'ERR_ADMIN_CSRF',
  ]),
  '404': errorResponse('Unknown operation, or the object named does not exist.', [
    'ERR_ADMIN_OPERATION_UNKNOWN',
    "each operation's *_NOT_FOUND codes",
  ]),
  '409': errorResponse('Conflict with the stored state.', [
    'ERR_STORE_CONFLICT',
    "each operation's conflict codes",
  ]),
};

let cached: object | undefined;

export function adminOpenApi(): object {
  return (cached ??= build());
}

function build(): object {
  const paths: Record<string, unknown> = {
    [`${PREFIX}/session`]: {
      post: {
        operationId: 'session.signIn',
        summary: 'Sign in (the console): sets the session cookie, returns the CSRF token',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['name', 'password'],
                properties: { name: { type: 'string' }, password: { type: 'string', format: 'password' } },
              },
            },
          },
        },
        responses: {
          '200': {
            description: `Signed in; Set-Cookie: __Host-s2s_session (Secure; HttpOnly; SameSite=Strict).`,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Session' } } },
          },
          '401': errorResponse('Wrong name or password (never says which).', ['ERR_ADMIN_SIGN_IN_FAILED']),
          '403': errorResponse('Not application/json, or another origin.', ['ERR_ADMIN_CSRF']),
          '429': errorResponse('Locked out; see Retry-After.', ['ERR_ADMIN_LOCKED']),
        },
      },
      get: {
        operationId: 'session.get',
        summary: "Who is signed in, and the session's CSRF token again",
        responses: { '200': { description: 'The caller.' }, '401': REFUSALS['401'] },
      },
      delete: {
        operationId: 'session.signOut',
        summary: 'Sign out (needs X-CSRF-Token)',
        responses: { '200': { description: 'Signed out.' }, '401': REFUSALS['401'], '403': REFUSALS['403'] },
      },
    },
    [`${PREFIX}/session/password`]: {
      post: {
        operationId: 'session.changePassword',
        summary: 'Change your own password (any role; needs X-CSRF-Token); ends your sessions',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['currentPassword', 'newPassword'],
                properties: {
                  currentPassword: { type: 'string', format: 'password' },
                  newPassword: { type: 'string', format: 'password', minLength: 12 },
                },
              },
            },
          },
        },
        responses: {
          '200': { description: 'Changed; signed out everywhere.' },
          '400': errorResponse('The new password breaks the rules.', ['ERR_ADMIN_PASSWORD_RULES']),
          '401': REFUSALS['401'],
          '403': errorResponse('Wrong current password, a token, or a CSRF failure.', [
            'ERR_ADMIN_CURRENT_PASSWORD',
            'ERR_ADMIN_FORBIDDEN',
            'ERR_ADMIN_CSRF',
          ]),
        },
      },
    },
    [`${PREFIX}/operations`]: {
      get: {
        operationId: 'operations.list',
        summary: "The operations the caller's role may run",
        responses: { '200': { description: 'Operations.' }, '401': REFUSALS['401'] },
      },
    },
    // The web console's two resources (docs/console.md "API resources").
    [`${PREFIX}/dashboard`]: {
      get: {
        operationId: 'console.dashboard',
        summary:
          'The dashboard in one call: realm, health, pool nodes, certificates by usage and state, partners and OAuth servers with freshness, refusals by code',
        description: 'Any role. Names, dates, states and codes only.',
        responses: { '200': { description: 'The dashboard.' }, '401': REFUSALS['401'] },
      },
    },
    [`${PREFIX}/connectivity-test`]: {
      post: {
        operationId: 'console.connectivityTest',
        summary: 'storage.testConnectivity with its steps streamed as NDJSON',
        description:
          'Roles: full, partner. Body {"sipUri", "partner"?, "folder"?}; the test item is deleted. Answers application/x-ndjson: {"event"} per step start and end, then {"report"} or {"error"}. Audited as storage.testConnectivity.',
        'x-s2s-roles': ['full', 'partner'],
        responses: {
          '200': { description: 'The step stream.', content: { 'application/x-ndjson': {} } },
          ...REFUSALS,
        },
      },
    },
  };
  for (const op of ADMIN_OPERATIONS) {
    paths[`${PREFIX}/operations/${op.id}`] = {
      post: {
        operationId: op.id,
        summary: `${op.effect}: s2s ${op.command}`,
        description: `Roles: full${op.roles.length ? `, ${op.roles.join(', ')}` : ''}. ${
          op.effect === 'read' ? 'Reads only.' : 'Audited.'
        }${op.secretResult ? ' The result is a secret for its caller.' : ''}`,
        'x-s2s-roles': ['full', ...op.roles],
        'x-s2s-effect': op.effect,
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Arguments' } } },
        },
        responses: {
          '200': {
            description: "The service method's result.",
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Result' } } },
          },
          ...REFUSALS,
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 's2s administration API',
      version: '1',
      description:
        'Every CLI operation, with a role per operation (docs/admin.md). Authenticate with an API token (Authorization: Bearer s2sat_…) or the console session cookie plus X-CSRF-Token. Bytes travel as {"$bytes": base64}, dates as {"$date": ISO 8601}.',
    },
    servers: [{ url: '/' }],
    security: [{ apiToken: [] }, { session: [], csrf: [] }],
    paths,
    components: {
      securitySchemes: {
        apiToken: { type: 'http', scheme: 'bearer', description: '`s2s admin token new`' },
        session: { type: 'apiKey', in: 'cookie', name: '__Host-s2s_session' },
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      },
      schemas: {
        Arguments: {
          type: 'object',
          properties: {
            args: { type: 'array', maxItems: 8, description: "The service method's arguments, in order." },
          },
        },
        Result: { type: 'object', required: ['result'], properties: { result: {} } },
        Session: {
          type: 'object',
          properties: {
            admin: { type: 'string' },
            role: { enum: Object.keys(ROLE_DESCRIPTIONS) },
            csrfToken: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
        Error: {
          type: 'object',
          required: ['error', 'error_description', 'code'],
          properties: {
            error: { type: 'string', description: 'the category' },
            error_description: { type: 'string' },
            code: { enum: Object.keys(ALL_ERRORS) },
            details: { type: 'object' },
          },
        },
      },
    },
  };
}
