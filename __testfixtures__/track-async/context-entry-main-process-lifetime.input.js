async function build() {}

async function main() {
  await build();
}

main();
