async function load() {
  return 1;
}

export function refresh(handlers, report) {
  load().catch();
  load().catch(undefined);
  load().catch(null);
  load().catch(3);
  load().then(show, 'not a function');
  load().then(...handlers);
  load().catch(report);
}

function show(value) {
  console.log(value);
}
