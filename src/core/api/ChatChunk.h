// ChatChunk: one decoded chat-completions stream chunk (the JSON in an SSE data: payload), and the
// decoder that turns a payload into it. Runs once per token, so it has an allocation-light fast
// path with a QJsonDocument fallback that defines the semantics.
#pragma once

#include "core/domain/Usage.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace anyrouter {

struct ChatChunk
{
    QString id;
    QString model;
    QString provider;           // serving upstream, when the gateway reports it (top-level "provider")
    QString role;               // usually only in the first chunk
    QString contentDelta;       // new answer text
    QString reasoningDelta;     // new reasoning ("thinking") text
    QString finishReason;       // empty until the last content chunk
    std::optional<Usage> usage; // present on the usage chunk (often with "choices": [])
    // Non-empty when the chunk carries a top-level "error": the stream failed and this chunk is
    // terminal. Check it before anything else. A string error is stored as {"message": <string>}.
    QJsonObject error;
    bool isDone = false; // the payload was exactly "[DONE]"
};

// Decodes one SSE data payload into out (every field of out is overwritten; reusing one ChatChunk
// across calls lets the decoder reuse its string buffers). Returns false with a message when the
// payload is not valid JSON or not a JSON object.
//
// Field sources, first non-empty string wins where several are listed:
//   contentDelta   choices[0].delta.content, choices[0].message.content, choices[0].text
//   reasoningDelta choices[0].delta.reasoning, .delta.reasoning_content,
//                  choices[0].message.reasoning, .message.reasoning_content
//   role           choices[0].delta.role, choices[0].message.role
//   finishReason   choices[0].finish_reason;  id, model, provider: top-level strings
//   usage          top-level "usage" object;  error: top-level "error" object or string
// Values of other JSON types (null, numbers, ...) count as absent.
bool decodeChatChunk(QByteArrayView data, ChatChunk& out, QString* errorMessage = nullptr);

namespace detail {
// The two halves of decodeChatChunk, exposed for the agreement test and the benchmark.
// Fast path: json::scan (JsonScanner.h) over the common chunk shape. Returns false when it met anything
// it does not handle itself (including any malformed input); out is then unspecified.
bool decodeChatChunkFast(QByteArrayView data, ChatChunk& out);
// Reference path: QJsonDocument. Defines the semantics the fast path must reproduce.
bool decodeChatChunkSlow(QByteArrayView data, ChatChunk& out, QString* errorMessage = nullptr);
} // namespace detail

} // namespace anyrouter
