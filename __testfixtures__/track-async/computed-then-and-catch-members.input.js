export function start(api, report, done) {
  api.load()['catch'](report);
  api.save()['then'](done);
}
