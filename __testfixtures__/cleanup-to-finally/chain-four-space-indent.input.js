function fetchJson(client, url, ms) {
    const timer = setTimeout(() => client.abortAll(), ms);
    return client
        .get(url)
        .then((response) => {
            clearTimeout(timer);
            return response.body;
        })
        .catch((error) => {
            clearTimeout(timer);
            return { error: error.message };
        });
}
