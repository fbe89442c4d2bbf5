// Ceiling: bare node:http answering a Nexus-sized user in the Nexus envelope.
import { createServer } from 'node:http';
import { envelope, SAMPLE_USER } from '../fixtures';

const server = createServer((_req, res) => {
  const body = JSON.stringify(envelope(SAMPLE_USER));
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': '0f05994b-4390-47f4-946f-3ea7fe92f83e' });
  res.end(body);
});
server.listen(Number(process.env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
