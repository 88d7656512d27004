/**
 * The storage service's HTTP contract: its path prefix and its OpenAPI 3.1 document (served at
 * `GET /storage/v1/openapi.json`; docs/storage.md). Pure data, so clients and the server share it.
 */
import { MAILBOX_FOLDERS, MAILBOX_LIMITS } from './mailbox.ts';

/** Where the storage API lives under a server's origin. */
export const STORAGE_API_PREFIX = '/storage/v1';

const error = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: error } },
});
const unauthorized = {
  description:
    'The bearer token was refused, or the act-as user does not resolve (docs/protocol.md §6.2): see WWW-Authenticate and x-ms-diagnostics.',
  headers: {
    'WWW-Authenticate': {
      schema: { type: 'string' },
      description: 'Bearer challenge with client_id, trusted_issuers and error="invalid_token".',
    },
    'x-ms-diagnostics': {
      schema: { type: 'string' },
      description: '<category>;reason="<text>";error_category="<name>"',
    },
  },
  content: { 'application/json': { schema: error } },
};
const sipParam = {
  name: 'sip',
  in: 'path',
  required: true,
  description: "The mailbox owner's SIP address, with or without `sip:`.",
  schema: { type: 'string' },
};
const folderParam = {
  name: 'folder',
  in: 'path',
  required: true,
  schema: { type: 'string', enum: [...MAILBOX_FOLDERS] },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
/** Read-your-writes across the servers of a pool (docs/storage.md "Consistency"). */
const minVersionParam = {
  name: 'x-s2s-min-version',
  in: 'header',
  required: false,
  description:
    'A version token from an earlier x-s2s-version: the server answers only once it has applied that store version (it waits at most 2 s, else 503 ERR_STORE_VERSION_NOT_APPLIED).',
  schema: { type: 'string', pattern: '^[0-9]{1,15}$' },
};
const versionHeader = {
  'x-s2s-version': {
    schema: { type: 'string', pattern: '^[0-9]+$' },
    description:
      'Version token of this write: send it as x-s2s-min-version to read it back on any server of the pool.',
  },
};
const common = {
  401: unauthorized,
  403: errorResponse('Authenticated, but not allowed (trust level or mailbox owner).'),
  404: errorResponse('No such user or item.'),
  503: {
    ...errorResponse(
      'ERR_STORE_VERSION_NOT_APPLIED (x-s2s-min-version not reached in time; Retry-After) or ERR_STORE_UNAVAILABLE (the central store is down).',
    ),
    headers: { 'Retry-After': { schema: { type: 'string' } } },
  },
};
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const item = { $ref: '#/components/schemas/MailboxItem' };

/** The OpenAPI 3.1 description of the storage API, for a server reached at `serverUrl` (its origin). */
export function storageOpenApi(serverUrl: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 's2s storage service',
      version: '1',
      description:
        'Mailboxes reached with S2S OAuth bearer tokens (Test-CsExStorageConnectivity target). See docs/storage.md.',
    },
    servers: [{ url: `${serverUrl.replace(/\/+$/, '')}${STORAGE_API_PREFIX}` }],
    security: [{ s2s: [] }],
    paths: {
      '/folders': {
        get: {
          summary: 'The folder names of every mailbox (app-level; any trusted partner).',
          responses: {
            200: {
              description: 'Folders',
              ...json({
                type: 'object',
                properties: { folders: { type: 'array', items: { type: 'string' } } },
              }),
            },
            401: unauthorized,
          },
        },
      },
      '/users/{sip}/folders/{folder}/items': {
        parameters: [sipParam, folderParam, minVersionParam],
        get: {
          summary:
            'List one page of the items of a folder, oldest first; follow nextCursor for the next page.',
          parameters: [
            {
              name: 'limit',
              in: 'query',
              required: false,
              schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            },
            {
              name: 'cursor',
              in: 'query',
              required: false,
              description: 'nextCursor of the previous page (opaque).',
              schema: { type: 'string' },
            },
          ],
          responses: {
            200: {
              description: 'One page of items',
              ...json({
                type: 'object',
                properties: {
                  items: { type: 'array', items: item },
                  nextCursor: { type: ['string', 'null'], description: 'null on the last page' },
                },
              }),
            },
            400: errorResponse('Malformed limit or cursor (ERR_MAILBOX_PAGE_INVALID).'),
            ...common,
          },
        },
        post: {
          summary: 'Create an item (refused 409 ERR_MAILBOX_QUOTA_EXCEEDED when the mailbox is full).',
          requestBody: { required: true, ...json({ $ref: '#/components/schemas/NewMailboxItem' }) },
          responses: {
            201: { description: 'Created', headers: versionHeader, ...json(item) },
            400: errorResponse('Malformed item or folder.'),
            409: errorResponse('The mailbox quota is exhausted (ERR_MAILBOX_QUOTA_EXCEEDED).'),
            ...common,
          },
        },
      },
      '/users/{sip}/folders/{folder}/items/{id}': {
        parameters: [sipParam, folderParam, idParam, minVersionParam],
        get: {
          summary: 'Read one item.',
          responses: { 200: { description: 'The item', ...json(item) }, ...common },
        },
        delete: {
          summary: 'Delete one item (hard delete).',
          responses: { 204: { description: 'Deleted', headers: versionHeader }, ...common },
        },
      },
    },
    components: {
      securitySchemes: {
        s2s: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'S2S app-only or act-as token (docs/protocol.md §2.3, §2.4) with audience <our service name>/<this host>@<realm>.',
        },
      },
      schemas: {
        NewMailboxItem: {
          type: 'object',
          required: ['subject'],
          properties: {
            subject: { type: 'string', minLength: 1, maxLength: MAILBOX_LIMITS.subject },
            body: { type: 'string', maxLength: MAILBOX_LIMITS.body },
            itemClass: { type: 'string', maxLength: MAILBOX_LIMITS.itemClass, default: 'IPM.Note' },
          },
        },
        MailboxItem: {
          type: 'object',
          required: ['id', 'folder', 'subject', 'body', 'itemClass', 'createdAt', 'createdBy'],
          properties: {
            id: { type: 'string', format: 'uuid' },
            folder: { type: 'string', enum: [...MAILBOX_FOLDERS] },
            subject: { type: 'string' },
            body: { type: 'string' },
            itemClass: { type: 'string' },
            createdAt: { type: 'string', format: 'date-time' },
            createdBy: { type: 'string', description: '<partner> or <partner> as <sip>' },
          },
        },
        Error: {
          type: 'object',
          properties: {
            error: {
              type: 'object',
              properties: { code: { type: 'string' }, message: { type: 'string' } },
              required: ['code', 'message'],
            },
          },
        },
      },
    },
  };
}
