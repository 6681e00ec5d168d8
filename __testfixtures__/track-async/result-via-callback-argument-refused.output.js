async function authorize(request, callback) {
	if (!request) {
		return callback(new Error('not authorized'));
	}
	const session = await loadSession(request);
	request.uid = session.uid;
	callback(null, request.uid);
}

async function loadSession(request) {
	return { uid: request.headers.uid };
}

const opts = {
	allowRequest: (req, callback) => {
		authorize(req, (err) => {
			if (err) {
				return callback(err);
			}
			callback(null, true);
		});
	},
};

module.exports = { opts };
