/** The OpenAPI 3.1 description of the HTTP API, served at GET /api/v1/openapi.json. */

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'PostgreSQL SQLSTATE, e.g. 42P01', pattern: '^[0-9A-Z]{5}$' },
        message: { type: 'string' },
        detail: { type: 'string' },
        hint: { type: 'string' },
        position: { type: 'integer', description: '1-based character position in the SQL text' },
      },
    },
  },
} as const;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const exportFormat = {
  name: 'format',
  in: 'query',
  required: false,
  schema: { type: 'string', enum: ['csv', 'parquet', 'arrow'], default: 'csv' },
} as const;

const binaryBody = { schema: { type: 'string', contentEncoding: 'binary' } } as const;

const exportDownload = {
  description: 'The file, with Content-Disposition: attachment; filename="NAME.csv" (or .parquet, .arrow)',
  headers: { 'Content-Disposition': { schema: { type: 'string' } } },
  content: {
    'text/csv': { schema: { type: 'string' } },
    'application/vnd.apache.parquet': binaryBody,
    'application/vnd.apache.arrow.file': binaryBody,
  },
} as const;

/** Builds the document; `version` is the server's version. */
export function openApiDocument(version: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'LiveViewDB HTTP API',
      version,
      description: 'SQL over HTTP, live query results over WebSocket, health and Prometheus metrics.',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: "A secret from SELECT liveview_create_token('name'), or LIVEVIEWDB_PASSWORD.",
        },
      },
      schemas: {
        Error: errorSchema,
        QueryRequest: {
          type: 'object',
          required: ['sql'],
          properties: {
            sql: {
              type: 'string',
              examples: ['SELECT region, sum(amount) FROM sales WHERE ts > $1 GROUP BY 1'],
            },
            params: {
              type: 'array',
              items: {},
              description: '$1..$n; strings are read as PostgreSQL text input',
            },
          },
        },
        ExportRequest: {
          type: 'object',
          required: ['sql'],
          properties: {
            sql: { type: 'string', examples: ['SELECT * FROM sales WHERE ts > $1'] },
            params: { type: 'array', items: {}, description: 'as in QueryRequest' },
            format: { type: 'string', enum: ['csv', 'parquet', 'arrow'], default: 'csv' },
          },
        },
        QueryResult: {
          type: 'object',
          required: ['columns', 'rows', 'stats'],
          properties: {
            columns: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'type'],
                properties: { name: { type: 'string' }, type: { type: 'string', examples: ['int8'] } },
              },
            },
            rows: { type: 'array', items: { type: 'array', items: {} } },
            stats: {
              type: 'object',
              properties: {
                rowCount: { type: 'integer' },
                elapsedMs: { type: 'number' },
                command: { type: 'string', examples: ['SELECT', 'INSERT'] },
              },
            },
          },
        },
      },
    },
    paths: {
      '/api/v1/query': {
        post: {
          summary: 'Run SQL and return the last statement’s result',
          parameters: [
            {
              name: 'format',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['json', 'csv', 'ndjson', 'arrow'] },
              description: 'Overrides the Accept header.',
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/QueryRequest' } } },
          },
          responses: {
            '200': {
              description: 'The result',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/QueryResult' } },
                'text/csv': { schema: { type: 'string' } },
                'application/x-ndjson': { schema: { type: 'string' } },
                'application/vnd.apache.arrow.stream': {
                  schema: { type: 'string', contentEncoding: 'binary' },
                },
              },
            },
            '400': errorResponse(
              'The statement failed because of the request (SQLSTATE classes 22, 23, 42 ...)',
            ),
            '401': errorResponse('Missing or invalid bearer token'),
            '409': errorResponse('Serialization failure or lock conflict (classes 40, 55)'),
            '429': errorResponse('Too many connections (53300)'),
            '500': errorResponse('Internal error (class XX)'),
            '503': errorResponse('Insufficient resources or statement canceled (classes 53, 57)'),
          },
        },
      },
      '/api/v1/export': {
        get: {
          summary: 'Download a table or view as CSV, Parquet or an Arrow IPC file',
          parameters: [
            {
              name: 'table',
              in: 'query',
              required: true,
              schema: { type: 'string', examples: ['sales', 'analytics.sales'] },
              description: 'Table or view name as stored (not SQL: no quoting or case folding)',
            },
            exportFormat,
          ],
          responses: {
            '200': exportDownload,
            '400': errorResponse('Bad format or missing table parameter'),
            '401': errorResponse('Missing or invalid bearer token'),
            '404': errorResponse('No such table (42P01)'),
          },
        },
        post: {
          summary: 'Download the result of a query as CSV, Parquet or an Arrow IPC file',
          parameters: [{ ...exportFormat, description: 'Overrides the body’s format.' }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ExportRequest' } } },
          },
          responses: {
            '200': exportDownload,
            '400': errorResponse('The statement failed because of the request'),
            '401': errorResponse('Missing or invalid bearer token'),
          },
        },
      },
      '/api/v1/live': {
        get: {
          summary: 'WebSocket feed of live query results',
          description:
            "Upgrade to WebSocket. Send {type:'subscribe', id, sql, params}; receive {type:'result', id, columns, rows} " +
            "now and after each commit that changes a table the query reads (at most every 100 ms); send {type:'unsubscribe', id}. " +
            "Errors arrive as {type:'error', id, error:{code, message}}. The token may be given as ?access_token=.",
          responses: {
            '101': { description: 'Switching protocols' },
            '401': errorResponse('Not authenticated'),
          },
        },
      },
      '/health': {
        get: {
          summary: 'Liveness',
          security: [],
          responses: {
            '200': {
              description: 'Up',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { status: { const: 'ok' } } },
                },
              },
            },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text exposition format 0.0.4)',
          responses: {
            '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
            '401': errorResponse('Not authenticated'),
          },
        },
      },
      '/api/v1/openapi.json': {
        get: {
          summary: 'This document',
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': {} } } },
        },
      },
    },
  };
}
