// A file without semicolons: the `;` guards inside and after the loop stay where they are when
// the loop gets a label or a `break` becomes `return`, and guarded statements keep their indent.
async function relay(src, dst) {
  const sent = []
  loop: while (true) {
    const m = await src.next()
    switch (m.type) {
      case 'data':
        sent.push(dst.send(m.data))
        break
      case 'quit':
        ;[src, dst].forEach((s) => {
          s.flush()
        })
        break loop
    }
  }
  ;(await Promise.all(sent)).forEach((r) => r.ack())
  dst.close()
}

async function drain(src) {
  while (true) {
    const m = await src.next()
    switch (m.type) {
      case 'end':
        ;(function () {
          console.log('done')
        })()
        return
    }
  }
}

module.exports = { relay, drain }
