// After a `}` the guard is a statement of its own (an empty statement), which a reprinted list
// drops: it stays with the statement it guards when both move into the try.
function exportAll(db, ids, out) {
  const cursor = db.cursor('rows')
  try {
    for (const id of ids) {
      cursor.seek(id)
    }
    ;(function header() {
      out.write('id,name')
    })()
    const count = cursor.pipe(out)
    return count
  } finally {
    cursor.close()
  }
}
