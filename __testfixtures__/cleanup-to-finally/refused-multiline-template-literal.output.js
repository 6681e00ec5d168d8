function render(cw, data) {
  const out = cw.open();
  out.write(`<html>
  <body>${data}</body>
</html>`);
  out.close();
}

function load(client, url, ms) {
  const timer = setTimeout(() => client.abortAll(), ms);
  return client
    .get(url)
    .then((response) => {
      clearTimeout(timer);
      return `line one
  line two ${response.body}`;
    })
    .catch((error) => {
      clearTimeout(timer);
      return { error: error.message };
    });
}

function banner(cw) {
  const out = cw.open();
  out.write('one line \
continued');
  out.close();
}
