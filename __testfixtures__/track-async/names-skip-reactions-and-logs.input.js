async function save(id) {
  await fetch(`/api/items/${id}`, { method: 'PUT' });
}

function handleBulkActions(ids) {
  const promises = ids.map((id) => save(id));
  Promise.allSettled(promises).then(function (results) {
    const fulfilled = results.filter((result) => result.status === 'fulfilled').length;
    console.log(`${fulfilled} saved`);
  });
}

function addRemountableRoutes(mounts) {
  Object.keys(mounts).map(async (mount) => {
    if (!mounts[mount]) {
      console.warn(`Not mounting /${mount}`);
      return;
    }
    await save(mount);
  });
}

module.exports = { handleBulkActions, addRemountableRoutes };
