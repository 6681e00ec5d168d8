// The parser gives a `;` guard to the statement above it: here the acquisition. The guard goes
// into the try with the statement it protects, not left behind on a line of its own.
function exportRows(db, out) {
  const cursor = db.cursor('rows')
  try {
    ;[out.header, out.columns].forEach((line) => {
      out.write(line)
    })
    const count = cursor.pipe(out)
    return count
  } finally {
    cursor.close()
  }
}
