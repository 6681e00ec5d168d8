function fetchOnce(url, ms) {
  const timer = setTimeout(() => console.warn('slow request'), ms);
  return new Promise((resolve, reject) => {
    request(url, (error, body) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(body);
    });
  });
}
