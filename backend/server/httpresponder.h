#pragma once

#include "server/problem.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <functional>
#include <memory>

namespace relaydesk {

// A handle for answering one HTTP request, now or later. Handlers keep it (copies share one
// answer) while the engine works, then call one send*() once; further calls are ignored and
// return false. This is what lets the API write 202 only after the database commit.
//
// Answer from the HTTP server's thread. A send*() from another thread still works: HttpServer
// hops the answer onto its own thread before touching the socket. If the client disconnected
// meanwhile the answer is dropped. If the last copy is destroyed without an answer, the client
// gets a 500 problem instead of a hung connection.
//
// Every answer carries X-Request-Id; JSON is written compact.
class HttpResponder
{
public:
    struct Reply {
        int status = 500;
        HttpHeaderList headers; // includes Content-Type and X-Request-Id; no Content-Length
        QByteArray body;
    };
    // Receives the finished reply, exactly once, on the thread that answered (or destroyed the
    // last unanswered copy).
    using Sink = std::function<void(Reply)>;

    // A detached responder: sends do nothing.
    HttpResponder() = default;
    HttpResponder(const QString &requestId, const QString &instance, Sink sink);

    bool isValid() const { return m_exchange != nullptr; }
    bool isAnswered() const;
    QString requestId() const;

    bool sendJson(int status, const QJsonObject &body, const HttpHeaderList &headers = {}) const;
    bool sendJson(int status, const QJsonArray &body, const HttpHeaderList &headers = {}) const;
    // Fills "instance" with the request path when the problem has none; adds the problem's
    // own headers (Allow, WWW-Authenticate, Retry-After) before the extra ones.
    bool sendProblem(const Problem &problem, const HttpHeaderList &headers = {}) const;
    bool sendText(int status, const QString &text, const HttpHeaderList &headers = {}) const;
    bool sendBytes(int status, const QByteArray &contentType, const QByteArray &body,
                   const HttpHeaderList &headers = {}) const;
    // For 204 and other bodiless answers.
    bool sendEmpty(int status, const HttpHeaderList &headers = {}) const;
    // Forwards a reply another responder produced (its headers already include Content-Type
    // and X-Request-Id), for layers that wrap a handler's responder.
    bool sendReply(const Reply &reply) const;

private:
    class Exchange;
    bool send(int status, const QByteArray &contentType, const QByteArray &body,
              const HttpHeaderList &headers) const;

    std::shared_ptr<Exchange> m_exchange;
};

} // namespace relaydesk
