// ApiError: the one error type of the service layer. Built from every error-envelope variant the
// reference lists (error as string or object, numeric or string code, OAuth style, non-JSON bodies)
// and from transport failures, with a category the UI can act on and a message a user understands.
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QNetworkReply>
#include <QString>

#include <optional>

namespace anyrouter {

// Replaces everything in `text` that looks like a credential — `sk-…`, `ak_…`, `ar-…` keys and
// `Bearer …` / `Basic …` tokens, in any case — by its masked form (see maskKey()). Servers echo
// keys in messages, codes, provider names and raw upstream bodies; every text an error carries
// goes through this before it is shown, stored, logged or exported. Idempotent.
QString redactSecrets(const QString& text);

class ApiError
{
public:
    enum class Category
    {
        None,
        Auth,                // 401: missing/invalid key
        Permission,          // 403: key lacks the scope (e.g. Key Management)
        NotFound,            // 404
        InvalidRequest,      // 400/413/422
        Conflict,            // 409
        RateLimited,         // 429
        InsufficientCredits, // 402
        Upstream,            // 502/503/504: provider side
        Server,              // 500 and other 5xx
        Network,             // connection refused/reset, no route
        Timeout,
        Cancelled,
        BadResponse, // malformed/unparseable/oversized data from the server
        // The connection closed after the request was sent and before any byte of response: the
        // server may have acted on it (a chat POST may have been billed).
        ConnectionClosed,
        NameResolution,    // the gateway's host name did not resolve (no network, wrong URL): not retried
        Tls,               // the TLS handshake failed: not retried, it will fail the same way
        InsecureTransport, // this app refused to send a key over plain http:// (nothing was sent)
        StreamCutOff,      // a reply stream ended (or broke) before its finish reason
        Redirect,          // a 3xx this app does not follow with the key
    };

    ApiError() = default;
    ApiError(Category category, QString message);

    // From an HTTP status and its body (any envelope variant, or none).
    static ApiError fromHttp(int httpStatus, const QByteArray& body,
                             std::optional<int> retryAfterSeconds = std::nullopt);
    // From a JSON "error" value seen mid-stream (object or string); httpStatus may be 200.
    static ApiError fromErrorValue(const QJsonValue& error, int httpStatus = 0);
    static ApiError fromNetworkError(QNetworkReply::NetworkError code, const QString& qtMessage);
    static ApiError badResponse(const QString& detail);
    // A 3xx that was not followed; `target` is where the gateway pointed (may be empty).
    static ApiError redirect(int httpStatus, const QString& target);

    bool isError() const { return m_category != Category::None; }
    Category category() const { return m_category; }
    int httpStatus() const { return m_httpStatus; }
    QString code() const { return m_code; } // machine code as given ("rate_limited", "429")
    QString type() const { return m_type; }
    QString serverMessage() const { return m_serverMessage; }
    QString providerName() const { return m_providerName; } // from OpenRouter-style metadata
    std::optional<int> retryAfterSeconds() const { return m_retryAfter; }
    void setRetryAfterSeconds(std::optional<int> s) { m_retryAfter = s; }

    bool isRetryable() const; // 429 and 5xx (not 501)/upstream/network/timeout — never other 4xx
    // The gateway could not be reached or did not answer at all (as opposed to answering an error).
    bool isUnreachable() const;
    // Some OpenAI-compatible proxies echo the key they were sent in their error text; that text is
    // shown, stored and exported, so every occurrence of `secret` is replaced by its masked form
    // (on top of redactSecrets(), which every factory already applies: this catches keys of any
    // shape, e.g. a local server's password-like key).
    void redact(const QString& secret);
    // A sentence a user can act on ("The key was rejected (401). Check the key in workspace settings.").
    QString userMessage() const;
    static QString categoryName(Category c); // stable identifier for storage: "auth", "rate_limited", ...
    static std::optional<Category> categoryFromName(QStringView name); // categoryName() read back
    static Category categoryFromStatus(int httpStatus);

private:
    // Redacts every field (before any cut), then bounds it.
    void sanitize();

    Category m_category = Category::None;
    int m_httpStatus = 0;
    QString m_code;
    QString m_type;
    QString m_serverMessage;
    QString m_providerName;
    std::optional<int> m_retryAfter;
};

} // namespace anyrouter
