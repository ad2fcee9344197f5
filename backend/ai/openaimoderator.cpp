#include "ai/openaimoderator.h"

#include <QCoro/QCoroNetworkReply>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <memory>

namespace relaydesk {

namespace {

// A moderation answer is small; anything larger is not one.
constexpr qint64 kMaxBodyBytes = 1024 * 1024;

} // namespace

OpenAiModerator::OpenAiModerator(QNetworkAccessManager *network, QUrl baseUrl, QString apiKey,
                                 QString model, int timeoutMs)
    : m_network(network)
    , m_baseUrl(std::move(baseUrl))
    , m_apiKey(std::move(apiKey))
    , m_model(std::move(model))
    , m_timeoutMs(timeoutMs)
{}

std::unique_ptr<OpenAiModerator> OpenAiModerator::fromSettings(const Settings &settings,
                                                               QNetworkAccessManager *network)
{
    if (settings.moderationProvider != QLatin1String("openai"))
        return nullptr;
    return std::make_unique<OpenAiModerator>(network, QUrl(settings.openai.baseUrl),
                                             settings.openai.apiKey, settings.moderationModel,
                                             std::max(1, settings.aiTimeoutSeconds) * 1000);
}

QNetworkRequest OpenAiModerator::buildRequest() const
{
    QUrl url = m_baseUrl;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + QStringLiteral("/moderations"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("Relaydesk/" RELAYDESK_VERSION));
    request.setRawHeader("accept", "application/json");
    if (!m_apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_timeoutMs);
    return request;
}

QByteArray OpenAiModerator::buildBody(const QString &text) const
{
    return QJsonDocument(
               QJsonObject{{QStringLiteral("model"), m_model}, {QStringLiteral("input"), text}})
        .toJson(QJsonDocument::Compact);
}

ModerationVerdict OpenAiModerator::parseResponse(int httpStatus, const QByteArray &body)
{
    ModerationVerdict verdict;
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (httpStatus < 200 || httpStatus >= 300) {
        const QString message = json.value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString()
                                    .left(200);
        verdict.error = QStringLiteral("OpenAI moderation answered HTTP %1").arg(httpStatus);
        if (!message.isEmpty())
            verdict.error += QStringLiteral(": ") + message;
        return verdict;
    }
    const QJsonValue results = json.value(QStringLiteral("results"));
    const QJsonObject result = results.toArray().first().toObject();
    const QJsonValue flagged = result.value(QStringLiteral("flagged"));
    if (!results.isArray() || !flagged.isBool()) {
        verdict.error = QStringLiteral("OpenAI moderation answered without results[0].flagged");
        return verdict;
    }
    verdict.ok = true;
    verdict.flagged = flagged.toBool();
    const QJsonObject categories = result.value(QStringLiteral("categories")).toObject();
    for (auto it = categories.begin(); it != categories.end(); ++it) {
        if (it.value().toBool())
            verdict.categories << it.key();
    }
    verdict.categories.sort();
    return verdict;
}

QString OpenAiModerator::reasonFor(const ModerationVerdict &verdict)
{
    return verdict.categories.isEmpty() ? QStringLiteral("flagged by OpenAI moderation")
                                        : QStringLiteral("flagged by OpenAI moderation: ") +
                                              verdict.categories.join(QStringLiteral(", "));
}

// GCC 12 destroys some temporaries in coroutine bodies twice: only named locals are awaited.
QCoro::Task<ModerationVerdict> OpenAiModerator::check(QString text)
{
    if (!m_network) {
        ModerationVerdict gone;
        gone.error = QStringLiteral("the network manager is gone");
        co_return gone;
    }
    const QNetworkRequest request = buildRequest();
    const QByteArray body = buildBody(text);
    std::unique_ptr<QNetworkReply> reply(m_network->post(request, body));
    auto watched = qCoro(reply.get());
    QCoro::Task<bool> finished = watched.waitForFinished();
    co_await finished;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        ModerationVerdict unreachable;
        unreachable.error =
            QStringLiteral("OpenAI moderation is unreachable: ") + reply->errorString();
        co_return unreachable;
    }
    const QByteArray answer = reply->read(kMaxBodyBytes);
    const ModerationVerdict verdict = parseResponse(status, answer);
    co_return verdict;
}

} // namespace relaydesk
