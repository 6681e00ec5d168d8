function loadWithDeadline(load, ms) {
  const timer = setTimeout(() => console.warn('load is slow'), ms);
  return load()
    .then((value) => {
      clearTimeout(timer);
      return value.data;
    })
    .catch((error) => {
      clearTimeout(timer);
      throw error;
    });
}
