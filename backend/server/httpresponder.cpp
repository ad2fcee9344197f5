#include "server/httpresponder.h"

#include <QJsonDocument>
#include <atomic>

namespace relaydesk {

namespace {

// Set by the responder or the server; a handler's copy would make the response ambiguous or
// break its framing.
bool isReservedHeader(const QByteArray &name)
{
    for (const char *reserved :
         {"Content-Type", "Content-Length", "X-Request-Id", "Transfer-Encoding", "Connection"}) {
        if (name.compare(reserved, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

class HttpResponder::Exchange
{
public:
    Exchange(const QString &requestId, const QString &instance, Sink sink)
        : m_requestId(requestId)
        , m_instance(instance)
        , m_sink(std::move(sink))
    {}

    ~Exchange()
    {
        if (m_answered.exchange(true))
            return;
        // A handler forgot to answer (or the engine dropped the continuation): the client
        // must not wait forever on an open connection.
        qWarning("HttpResponder: request %ls was never answered; sending 500",
                 qUtf16Printable(m_requestId));
        Problem problem = Problem::internal(
            QStringLiteral("The server finished handling the request without answering it."));
        problem.setInstance(m_instance);
        deliver(problem.status(), QByteArray(Problem::ContentType),
                QJsonDocument(problem.toJson()).toJson(QJsonDocument::Compact), problem.headers());
    }

    Exchange(const Exchange &) = delete;
    Exchange &operator=(const Exchange &) = delete;

    bool claim() { return !m_answered.exchange(true); }
    void forward(Reply reply)
    {
        if (m_sink)
            m_sink(std::move(reply));
    }
    bool isAnswered() const { return m_answered.load(); }
    QString requestId() const { return m_requestId; }
    QString instance() const { return m_instance; }

    void deliver(int status, const QByteArray &contentType, const QByteArray &body,
                 const HttpHeaderList &headers)
    {
        Reply reply;
        reply.status = status;
        if (!contentType.isEmpty())
            reply.headers.append({QByteArrayLiteral("Content-Type"), contentType});
        reply.headers.append({QByteArrayLiteral("X-Request-Id"), m_requestId.toLatin1()});
        for (const auto &header : headers) {
            if (isReservedHeader(header.first))
                continue;
            reply.headers.append(header);
        }
        reply.body = body;
        if (m_sink)
            m_sink(std::move(reply));
    }

private:
    const QString m_requestId;
    const QString m_instance;
    const Sink m_sink;
    std::atomic<bool> m_answered{false};
};

HttpResponder::HttpResponder(const QString &requestId, const QString &instance, Sink sink)
    : m_exchange(std::make_shared<Exchange>(requestId, instance, std::move(sink)))
{}

bool HttpResponder::isAnswered() const
{
    return m_exchange && m_exchange->isAnswered();
}

QString HttpResponder::requestId() const
{
    return m_exchange ? m_exchange->requestId() : QString();
}

bool HttpResponder::sendJson(int status, const QJsonObject &body,
                             const HttpHeaderList &headers) const
{
    return send(status, QByteArrayLiteral("application/json"),
                QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

bool HttpResponder::sendJson(int status, const QJsonArray &body,
                             const HttpHeaderList &headers) const
{
    return send(status, QByteArrayLiteral("application/json"),
                QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

bool HttpResponder::sendProblem(const Problem &problem, const HttpHeaderList &headers) const
{
    if (!m_exchange)
        return false;
    Problem copy = problem;
    if (copy.instance().isEmpty())
        copy.setInstance(m_exchange->instance());
    HttpHeaderList all = copy.headers();
    all.append(headers);
    return send(copy.status(), QByteArray(Problem::ContentType),
                QJsonDocument(copy.toJson()).toJson(QJsonDocument::Compact), all);
}

bool HttpResponder::sendText(int status, const QString &text, const HttpHeaderList &headers) const
{
    return send(status, QByteArrayLiteral("text/plain; charset=utf-8"), text.toUtf8(), headers);
}

bool HttpResponder::sendBytes(int status, const QByteArray &contentType, const QByteArray &body,
                              const HttpHeaderList &headers) const
{
    return send(status, contentType, body, headers);
}

bool HttpResponder::sendEmpty(int status, const HttpHeaderList &headers) const
{
    return send(status, QByteArray(), QByteArray(), headers);
}

bool HttpResponder::sendReply(const Reply &reply) const
{
    if (!m_exchange || !m_exchange->claim())
        return false;
    m_exchange->forward(reply);
    return true;
}

bool HttpResponder::send(int status, const QByteArray &contentType, const QByteArray &body,
                         const HttpHeaderList &headers) const
{
    if (!m_exchange)
        return false;
    if (!m_exchange->claim()) {
        qWarning("HttpResponder: request %ls already answered; dropping status %d",
                 qUtf16Printable(m_exchange->requestId()), status);
        return false;
    }
    m_exchange->deliver(status, contentType, body, headers);
    return true;
}

} // namespace relaydesk
