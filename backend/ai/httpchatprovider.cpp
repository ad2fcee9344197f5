#include "ai/httpchatprovider.h"

#include "ai/retrytiming.h"

#include <QCoro/QCoroNetworkReply>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <memory>

namespace relaydesk {

namespace {

// A stream that keeps trickling is still bounded, so a stuck generation cannot hold a job forever.
constexpr int kStreamDeadlineFactor = 10;

struct ReplyDeleter {
    // Later, not now: the coroutine resumes from inside the reply's finished() emission.
    void operator()(QNetworkReply *reply) const
    {
        if (reply)
            reply->deleteLater();
    }
};

} // namespace

struct HttpChatProvider::Exchange {
    bool stream = false;
    TextCallback onText;
    SseParser parser;
    QByteArray body;
    qint64 received = 0;
    ProviderReply reply;
    StreamState state;
    bool headersSeen = false;
    bool sse = false;
    bool timedOut = false;
    bool tooLarge = false;
    QElapsedTimer clock;
    QTimer *idle = nullptr;
    QTimer *deadline = nullptr;
};

HttpChatProvider::HttpChatProvider(QNetworkAccessManager *network, ProviderConfig config)
    : m_network(network)
    , m_config(std::move(config))
{
    m_config.timeoutMs = std::max(100, m_config.timeoutMs);
}

CallOutcome HttpChatProvider::outcomeForStatus(int status)
{
    if (status >= 200 && status < 300)
        return CallOutcome::Success;
    if (status == 429)
        return CallOutcome::RateLimited;
    if (status == 529)
        return CallOutcome::Overloaded;
    if (status >= 500)
        return CallOutcome::ServerError;
    return CallOutcome::ClientError;
}

QNetworkRequest HttpChatProvider::jsonRequest(const QString &path) const
{
    QUrl url = m_config.baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("Relaydesk/" RELAYDESK_VERSION));
    // An API that redirects is misconfigured; following would turn the POST into a GET.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    return request;
}

QCoro::Task<ProviderReply> HttpChatProvider::complete(Prompt prompt, TextCallback onText)
{
    auto exchange = std::make_shared<Exchange>();
    exchange->stream = bool(onText);
    exchange->onText = std::move(onText);
    if (!m_network) {
        exchange->reply.outcome = CallOutcome::NetworkError;
        exchange->reply.errorMessage = QStringLiteral("the network manager is gone");
        co_return exchange->reply;
    }
    const QNetworkRequest request = buildRequest(exchange->stream);
    const QByteArray body = buildBody(prompt, exchange->stream);
    exchange->clock.start();
    std::unique_ptr<QNetworkReply, ReplyDeleter> reply(m_network->post(request, body));
    attach(*exchange, reply.get());
    auto waiter = qCoro(*reply);
    QCoro::Task<bool> finished = waiter.waitForFinished();
    co_await finished;
    ProviderReply result = conclude(*exchange, reply.get());
    if (result.model.isEmpty())
        result.model = m_config.model;
    co_return result;
}

void HttpChatProvider::attach(Exchange &exchange, QNetworkReply *reply) const
{
    Exchange *state = &exchange;
    exchange.deadline = new QTimer(reply);
    exchange.deadline->setSingleShot(true);
    exchange.deadline->start(exchange.stream ? m_config.timeoutMs * kStreamDeadlineFactor
                                             : m_config.timeoutMs);
    QObject::connect(exchange.deadline, &QTimer::timeout, reply, [state, reply] {
        state->timedOut = true;
        reply->abort();
    });
    if (exchange.stream) {
        // While streaming the limit is between bytes: a long answer arriving steadily is fine.
        exchange.idle = new QTimer(reply);
        exchange.idle->setSingleShot(true);
        exchange.idle->start(m_config.timeoutMs);
        QObject::connect(exchange.idle, &QTimer::timeout, reply, [state, reply] {
            state->timedOut = true;
            reply->abort();
        });
    }
    QObject::connect(reply, &QNetworkReply::readyRead, reply,
                     [this, state, reply] { onData(*state, reply); });
}

void HttpChatProvider::onData(Exchange &exchange, QNetworkReply *reply) const
{
    if (!exchange.headersSeen) {
        exchange.headersSeen = true;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        // A server that ignores "stream": true answers with plain JSON; take that as it is.
        exchange.sse = exchange.stream && status >= 200 && status < 300 &&
                       type.toLower().contains("text/event-stream");
    }
    const QByteArray bytes = reply->readAll();
    if (bytes.isEmpty())
        return;
    if (exchange.idle)
        exchange.idle->start();
    exchange.received += bytes.size();
    if (exchange.received > kMaxBodyBytes) {
        exchange.tooLarge = true;
        reply->abort();
        return;
    }
    if (!exchange.sse) {
        exchange.body += bytes;
        return;
    }
    const QList<SseEvent> events = exchange.parser.feed(bytes);
    for (const SseEvent &event : events) {
        if (exchange.state.finished || exchange.state.failed)
            break;
        const qsizetype before = exchange.reply.text.size();
        handleEvent(event, exchange.reply, exchange.state);
        if (exchange.onText && exchange.reply.text.size() != before && !exchange.state.failed)
            exchange.onText(exchange.reply.text);
    }
}

ProviderReply HttpChatProvider::conclude(Exchange &exchange, QNetworkReply *reply) const
{
    if (exchange.idle)
        exchange.idle->stop();
    exchange.deadline->stop();
    if (!exchange.timedOut && !exchange.tooLarge)
        onData(exchange, reply);
    ProviderReply &result = exchange.reply;
    result.latencyMs = exchange.clock.elapsed();
    result.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.retryAfterMs = RetryTiming::retryAfterMs(reply->rawHeader("retry-after-ms"),
                                                    reply->rawHeader("retry-after"));
    const QByteArray shouldRetry = reply->rawHeader("x-should-retry").trimmed().toLower();
    if (shouldRetry == "true")
        result.shouldRetry = true;
    else if (shouldRetry == "false")
        result.shouldRetry = false;

    if (exchange.timedOut) {
        result.outcome = CallOutcome::Timeout;
        result.errorMessage = QStringLiteral("no answer from %1 within %2 ms")
                                  .arg(m_config.name)
                                  .arg(m_config.timeoutMs);
        return result;
    }
    if (exchange.tooLarge) {
        result.outcome = CallOutcome::InvalidResponse;
        result.errorMessage = QStringLiteral("the answer exceeded %1 bytes").arg(kMaxBodyBytes);
        return result;
    }
    if (result.httpStatus == 0) {
        result.outcome = CallOutcome::NetworkError;
        result.errorMessage = reply->errorString();
        return result;
    }
    if (result.httpStatus < 200 || result.httpStatus >= 300) {
        result.outcome = outcomeForStatus(result.httpStatus);
        parseError(exchange.body, result);
        if (result.errorMessage.isEmpty())
            result.errorMessage = QStringLiteral("HTTP %1").arg(result.httpStatus);
        return result;
    }
    // A 2xx whose body broke off is a network failure, whatever the bytes look like.
    const bool interrupted = reply->error() != QNetworkReply::NoError;
    if (exchange.sse) {
        if (!interrupted) {
            for (const SseEvent &event : exchange.parser.finish()) {
                if (exchange.state.finished || exchange.state.failed)
                    break;
                handleEvent(event, result, exchange.state);
            }
        }
        if (exchange.state.failed)
            return result;
        if (!exchange.state.finished) {
            result.outcome = CallOutcome::NetworkError;
            result.errorMessage =
                interrupted ? QStringLiteral("the stream broke off: ") + reply->errorString()
                            : QStringLiteral("the stream ended before its end marker");
            return result;
        }
        result.outcome = CallOutcome::Success;
    } else {
        if (interrupted) {
            result.outcome = CallOutcome::NetworkError;
            result.errorMessage = reply->errorString();
            return result;
        }
        result.outcome = CallOutcome::Success;
        parseResponse(exchange.body, result);
        if (!result.ok())
            return result;
    }
    if (result.text.trimmed().isEmpty()) {
        result.outcome = CallOutcome::InvalidResponse;
        result.errorMessage = QStringLiteral("the answer contained no text");
    }
    return result;
}

} // namespace relaydesk
