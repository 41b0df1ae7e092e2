// Fuzz target: the error-envelope parser and its key redaction. The fuzzer writes an error body
// (JSON envelope, OAuth shape, plain text, HTML, anything) in which the markers $K, $M, $U and $B
// stand for a fixed fake inference key, a management key, the inference key written with JSON \u
// escapes, and "Bearer <inference key>". After ApiError::fromHttp / fromErrorValue /
// fromNetworkError and ApiClient's redaction (redact() with both keys), no text the error exposes
// (userMessage, serverMessage, code, type, providerName) may hold either key, nor any 20-character
// window of one (a key cut at a length limit still leaks).
// Input layout: byte 0 picks the factory, bytes 1-2 the HTTP status, the rest is the body.
#include "core/api/ApiError.h"

#include "FuzzSupport.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace anyrouter;
using namespace Qt::StringLiterals;
using anyrouter::fuzz::escapedBytes;

namespace {

const QByteArray kInferenceKey = "sk-ar-v1-FAKEFUZZKEY0123456789abcdef0123";
const QByteArray kManagementKey = "ak_FAKEFUZZMGMTKEY9876543210fedcba98765";
constexpr qsizetype kWindow = 20;

QByteArray unicodeEscaped(const QByteArray& key)
{
    // Every third character as \u00XX: the decoded string is the key, the raw bytes are not.
    QByteArray out;
    for (qsizetype i = 0; i < key.size(); ++i) {
        if (i % 3 == 1)
            out += "\\u00" + QByteArray::number(uchar(key[i]), 16).rightJustified(2, '0');
        else
            out += key[i];
    }
    return out;
}

QByteArray expand(QByteArrayView raw)
{
    QByteArray out;
    out.reserve(raw.size() + 64);
    for (qsizetype i = 0; i < raw.size(); ++i) {
        if (raw[i] == '$' && i + 1 < raw.size()) {
            const char m = raw[i + 1];
            const QByteArray* key = nullptr;
            QByteArray spliced;
            if (m == 'K')
                key = &kInferenceKey;
            else if (m == 'M')
                key = &kManagementKey;
            else if (m == 'U')
                spliced = unicodeEscaped(kInferenceKey);
            else if (m == 'B')
                spliced = "Bearer " + kInferenceKey;
            if (key || !spliced.isEmpty()) {
                out += key ? *key : spliced;
                ++i;
                continue;
            }
        }
        out += raw[i];
    }
    return out;
}

// Every window of `key` (case-sensitive: a leaked key is used as it is).
QList<QString> windowsOf(const QByteArray& key)
{
    QList<QString> windows;
    for (qsizetype i = 0; i + kWindow <= key.size(); ++i)
        windows.append(QString::fromLatin1(key.mid(i, kWindow)));
    return windows;
}

// The fuzzer's own bytes must not already hold a piece of a key (that would be the fuzzer typing
// it, not the server echoing it): the secret-looking part of each key, 12 characters at a time.
bool holdsKeyPiece(QByteArrayView raw)
{
    for (const QByteArray* key : {&kInferenceKey, &kManagementKey}) {
        for (qsizetype i = 0; i + 12 <= key->size(); ++i) {
            if (raw.contains(QByteArrayView(*key).sliced(i, 12)))
                return true;
        }
    }
    return false;
}

void checkNoKey(const char* field, const QString& text, const QByteArray& body)
{
    static const QList<QString> inferenceWindows = windowsOf(kInferenceKey);
    static const QList<QString> managementWindows = windowsOf(kManagementKey);
    for (const QList<QString>* windows : {&inferenceWindows, &managementWindows}) {
        for (const QString& w : *windows) {
            if (text.contains(w))
                fuzz::fail("a key survived redaction",
                           QByteArray("field ") + field + " holds \"" + w.toUtf8() + "\"\n  field: " +
                               escapedBytes(text.toUtf8()) + "\n  body: " + escapedBytes(body));
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::ensureCoreApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 3)
        return 0;
    const QByteArrayView raw(reinterpret_cast<const char*>(data + 3), qsizetype(size - 3));
    if (holdsKeyPiece(raw))
        return 0;
    const QByteArray body = expand(raw);
    const int mode = data[0] % 4;
    // Statuses worth reaching: 200 (mid-stream errors), 4xx, 5xx, and odd ones.
    const int status = (int(data[1]) << 8 | data[2]) % 700;

    ApiError e;
    switch (mode) {
    case 0:
        e = ApiError::fromHttp(status, body, std::nullopt);
        break;
    case 1: {
        // A mid-stream "error" value: the body's "error" member, or the whole document.
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        QJsonValue v = doc.isObject() ? doc.object().value(u"error"_s) : QJsonValue();
        if (v.isUndefined())
            v = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(QString::fromUtf8(body));
        e = ApiError::fromErrorValue(v, status);
        break;
    }
    case 2:
        e = ApiError::fromNetworkError(QNetworkReply::NetworkError(status % 410), QString::fromUtf8(body));
        break;
    default:
        e = ApiError::fromHttp(status, body, int(data[2]));
        break;
    }
    // What ApiClient::redactKeys() does with the workspace's two keys.
    e.redact(QString::fromLatin1(kInferenceKey));
    e.redact(QString::fromLatin1(kManagementKey));

    checkNoKey("userMessage", e.userMessage(), body);
    checkNoKey("serverMessage", e.serverMessage(), body);
    checkNoKey("code", e.code(), body);
    checkNoKey("type", e.type(), body);
    checkNoKey("providerName", e.providerName(), body);
    if (e.isError() && e.userMessage().isEmpty())
        fuzz::fail("an error without a user message", escapedBytes(body));
    // Plurals and placeholders are always filled in (when the server's text has none of its own).
    const QString user = e.userMessage();
    if (!body.contains('%') && (user.contains(u"%n"_s) || user.contains(u"%1"_s)))
        fuzz::fail("unfilled placeholder in the user message", user.toUtf8());
    return 0;
}
