/**
 * What a place must allow for a page to reach it: the exact CORS settings, for S3 as the
 * bucket's CORS configuration (JSON, as the S3 console and `aws s3api put-bucket-cors` take it),
 * for WebDAV as the headers a reverse proxy in front of the server sets.
 */
const METHODS_S3 = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'];
const EXPOSED = ['ETag', 'Content-Length', 'Content-Range'];

export function s3CorsSettings(appOrigin: string): string {
  const rule = {
    AllowedOrigins: [appOrigin],
    AllowedMethods: METHODS_S3,
    AllowedHeaders: ['*'],
    ExposeHeaders: EXPOSED,
    MaxAgeSeconds: 3600,
  };
  return JSON.stringify({ CORSRules: [rule] }, null, 2);
}

export function webDavCorsSettings(appOrigin: string): string {
  return [
    `Access-Control-Allow-Origin: ${appOrigin}`,
    'Access-Control-Allow-Methods: GET, HEAD, PUT, DELETE, MOVE, PROPFIND, OPTIONS',
    'Access-Control-Allow-Headers: Authorization, Content-Type, Range, Destination, Overwrite, Depth',
    `Access-Control-Expose-Headers: ${EXPOSED.join(', ')}`,
    'and an answer of 204, without asking for a password, to OPTIONS requests',
  ].join('\n');
}
