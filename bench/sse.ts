/**
 * The blocks of a Server-Sent Events stream as they arrive (the benchmark's subscribers and the tests' read the
 * same way): each block's `event` name and its `data` line, either absent in a comment (yoga's heartbeat). Ends
 * when the stream does; rejects when it is aborted.
 */
export async function* sseBlocks(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event?: string; data?: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      yield { event: /^event: (.*)$/m.exec(block)?.[1], data: /^data: (.*)$/m.exec(block)?.[1] };
    }
  }
}
