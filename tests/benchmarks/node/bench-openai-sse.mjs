// Reference side of bench_sse_decode: the official `openai` SDK decoding a chat SSE stream file.
// The file is read into memory first, then fed through the SDK's own public SSE decoder
// (Stream.fromSSEResponse over a Response whose body yields network-sized chunks), so only the
// SDK's byte -> line -> event -> JSON.parse -> chunk-object path is timed, like the C++ side.
//
// Usage: node bench-openai-sse.mjs <stream.sse> [runs=5] [chunkBytes=16384]
// Prints one JSON line on stdout (the C++ benchmark parses it).
import { readFileSync } from 'node:fs';
import { Stream } from 'openai/streaming';
import { VERSION as sdkVersion } from 'openai/version';

const [file, runsArg, chunkArg] = process.argv.slice(2);
if (!file) {
    console.error('usage: node bench-openai-sse.mjs <stream.sse> [runs] [chunkBytes]');
    process.exit(2);
}
const runs = Math.max(1, Number.parseInt(runsArg ?? '5', 10));
const chunkBytes = Math.max(1, Number.parseInt(chunkArg ?? '16384', 10));
const bytes = readFileSync(file);

function bodyStream() {
    let offset = 0;
    return new ReadableStream({
        pull(controller) {
            if (offset >= bytes.length) {
                controller.close();
                return;
            }
            const end = Math.min(offset + chunkBytes, bytes.length);
            // Views into the file's bytes, no copies: the C++ side feeds views as well, so neither
            // side pays for moving bytes around, only for decoding them.
            controller.enqueue(bytes.subarray(offset, end));
            offset = end;
        },
    });
}

async function runOnce() {
    const controller = new AbortController();
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const stream = Stream.fromSSEResponse(new Response(bodyStream()), controller);
    let events = 0;
    let contentUnits = 0;
    let reasoningUnits = 0;
    let usageChunks = 0;
    for await (const chunk of stream) {
        ++events;
        const delta = chunk.choices?.[0]?.delta;
        if (typeof delta?.content === 'string')
            contentUnits += delta.content.length;
        const reasoning = delta?.reasoning ?? delta?.reasoning_content;
        if (typeof reasoning === 'string')
            reasoningUnits += reasoning.length;
        if (chunk.usage)
            ++usageChunks;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return { seconds, cpuSeconds, events, contentUnits, reasoningUnits, usageChunks };
}

const results = [];
for (let i = 0; i < runs; ++i)
    results.push(await runOnce());
function medianOf(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const n = sorted.length;
    return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}
const median = medianOf(results.map((r) => r.seconds));
const last = results[results.length - 1];
console.log(JSON.stringify({
    sdk: 'openai',
    sdkVersion,
    node: process.version,
    bytes: bytes.length,
    chunkBytes,
    runs: results.map((r) => r.seconds),
    medianSeconds: median,
    // CPU time of the whole node process (user + system, all threads) per run: steadier than wall
    // time on a busy machine.
    cpuRuns: results.map((r) => r.cpuSeconds),
    medianCpuSeconds: medianOf(results.map((r) => r.cpuSeconds)),
    events: last.events,
    contentUnits: last.contentUnits,
    reasoningUnits: last.reasoningUnits,
    usageChunks: last.usageChunks,
    eventsPerSecond: last.events / median,
    mbPerSecond: bytes.length / 1e6 / median,
}));
