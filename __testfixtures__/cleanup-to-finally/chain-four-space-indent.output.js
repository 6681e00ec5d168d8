function fetchJson(client, url, ms) {
    const timer = setTimeout(() => client.abortAll(), ms);
    return client
        .get(url)
        .then((response) => {
            return response.body;
        })
        .catch((error) => {
            return { error: error.message };
        })
        .finally(() => {
            clearTimeout(timer);
        });
}
