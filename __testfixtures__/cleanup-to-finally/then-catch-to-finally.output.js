function loadWithDeadline(load, ms) {
  const timer = setTimeout(() => console.warn('load is slow'), ms);
  return load()
    .then((value) => {
      return value.data;
    })
    .finally(() => {
      clearTimeout(timer);
    });
}
