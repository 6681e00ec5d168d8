async function awaitOAuthCallback(startServer, expectedState) {
  const server = await startServer();
  const request = await server.nextRequest();
  if (request.path !== '/callback') {
    // 404: keep the server up, the browser may still hit the right path
    request.respond(404);
    return { retry: true };
  }
  request.respond(200, 'You can close this tab.');
  server.close();
  return { code: request.query.code, state: expectedState };
}
