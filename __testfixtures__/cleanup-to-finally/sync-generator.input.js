function* batches(openCursor, size) {
  const cursor = openCursor();
  let batch = cursor.next(size);
  while (batch.length > 0) {
    yield batch;
    batch = cursor.next(size);
  }
  cursor.close();
}
