function* batches(openCursor, size) {
  const cursor = openCursor();
  try {
    let batch = cursor.next(size);
    while (batch.length > 0) {
      yield batch;
      batch = cursor.next(size);
    }
  } finally {
    cursor.close();
  }
}
