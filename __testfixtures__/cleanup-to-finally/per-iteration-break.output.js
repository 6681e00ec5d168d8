async function firstMatch(open, names, wanted) {
  let found = null;
  for (const name of names) {
    const file = await open(name);
    try {
      const text = await file.read();
      if (text.includes(wanted)) {
        found = name;
        break;
      }
    } finally {
      file.close();
    }
  }
  return found;
}
