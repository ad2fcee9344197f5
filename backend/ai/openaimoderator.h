#pragma once

#include "core/settings.h"

#include <QCoro/QCoroTask>
#include <QNetworkRequest>
#include <QPointer>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;

namespace relaydesk {

// What the provider said about one text.
struct ModerationVerdict {
    bool ok = false;        // the provider answered with a usable result
    bool flagged = false;   // results[0].flagged
    QStringList categories; // the categories flagged true, sorted
    QString error;          // why there is no verdict (HTTP status, network, malformed JSON)
};

// [ai.moderation] provider = "openai": asks OpenAI's moderation endpoint about a customer
// message before it is drafted: POST {[ai.openai] base_url}/moderations with a bearer key and
// {"model", "input"}; the answer is {"id", "model", "results": [{"flagged", "categories":
// {name: bool}, "category_scores": {name: number}}]}. Runs on the engine thread, never blocks.
// A failed call gives a verdict with ok = false: moderation must never stop a draft.
class OpenAiModerator
{
public:
    OpenAiModerator(QNetworkAccessManager *network, QUrl baseUrl, QString apiKey, QString model,
                    int timeoutMs);
    // Null when settings ask for no provider moderation.
    static std::unique_ptr<OpenAiModerator> fromSettings(const Settings &settings,
                                                         QNetworkAccessManager *network);

    QCoro::Task<ModerationVerdict> check(QString text);

    // The request as it goes on the wire, for tests.
    QNetworkRequest buildRequest() const;
    QByteArray buildBody(const QString &text) const;
    static ModerationVerdict parseResponse(int httpStatus, const QByteArray &body);
    // "flagged by OpenAI moderation: harassment, violence": the reason shown to operators.
    static QString reasonFor(const ModerationVerdict &verdict);

private:
    QPointer<QNetworkAccessManager> m_network;
    QUrl m_baseUrl;
    QString m_apiKey;
    QString m_model;
    int m_timeoutMs;
};

} // namespace relaydesk
