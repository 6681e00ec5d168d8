async function save() {}

export function maybeSave(dirty, force) {
  dirty && save();
  force ? save() : console.log('clean');
}
