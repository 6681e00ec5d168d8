async function firstMatch(open, names, wanted) {
  let found = null;
  for (const name of names) {
    const file = await open(name);
    const text = await file.read();
    if (text.includes(wanted)) {
      found = name;
      file.close();
      break;
    }
    file.close();
  }
  return found;
}
