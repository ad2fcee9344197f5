#include "server/discordwebhook.h"

#include "channels/discordchannel.h"
#include "engine/engine.h"
#include "server/httpserver.h"
#include "server/problem.h"
#include "server/webhookroutes.h"

#include <QElapsedTimer>
#include <QJsonDocument>

namespace relaydesk {

namespace {

const QString kChannel = QStringLiteral("discord");

enum InteractionType {
    Ping = 1,
    ApplicationCommand = 2,
    MessageComponent = 3,
    Autocomplete = 4,
    ModalSubmit = 5
};
enum ResponseType {
    Pong = 1,
    ChannelMessageWithSource = 4,
    DeferredUpdateMessage = 6,
    AutocompleteResult = 8
};

// Only the user who ran the command sees the acknowledgement.
constexpr int EphemeralFlag = 1 << 6;

QJsonObject ephemeral(const QString &content)
{
    return QJsonObject{
        {QStringLiteral("type"), ChannelMessageWithSource},
        {QStringLiteral("data"), QJsonObject{{QStringLiteral("content"), content},
                                             {QStringLiteral("flags"), EphemeralFlag}}}};
}

} // namespace

DiscordWebhook::DiscordWebhook(WebhookRoutes *routes)
    : QObject(routes)
    , m_routes(routes)
{}

void DiscordWebhook::install(HttpServer &server)
{
    server.router().post(QStringLiteral("/api/v1/webhooks/discord"),
                         [this](const HttpRequest &request, HttpResponder responder) {
                             handle(request, responder);
                         });
}

QJsonObject DiscordWebhook::acknowledgement()
{
    return ephemeral(QStringLiteral("Thanks! Your message reached our support team; we will reply "
                                    "in this channel."));
}

void DiscordWebhook::handle(const HttpRequest &request, const HttpResponder &responder)
{
    QElapsedTimer timer;
    timer.start();
    const DiscordSettings &settings = m_routes->engine()->settings().discord;
    if (!settings.enabled) {
        m_routes->log(request, kChannel, 404, false, QStringLiteral("channel disabled"), timer);
        responder.sendProblem(
            Problem::notFound(QStringLiteral("the discord channel is not enabled")));
        return;
    }
    if (settings.publicKey.isEmpty()) {
        m_routes->rejectUnverified(request, responder, kChannel,
                                   QStringLiteral("no [channels.discord] public_key is configured, "
                                                  "so no interaction can be verified"),
                                   timer);
        return;
    }
    if (!DiscordChannel::verifyInteraction(
            settings.publicKey, request.header("X-Signature-Ed25519"),
            request.header("X-Signature-Timestamp"), request.body())) {
        m_routes->rejectUnverified(request, responder, kChannel,
                                   QStringLiteral("missing or invalid X-Signature-Ed25519 / "
                                                  "X-Signature-Timestamp"),
                                   timer);
        return;
    }
    // A captured interaction replayed later verifies too; its timestamp gives it away.
    const int tolerance = m_routes->engine()->settings().webhookToleranceSeconds;
    if (!WebhookRoutes::isFreshTimestamp(request.header("X-Signature-Timestamp"), tolerance)) {
        m_routes->rejectUnverified(
            request, responder, kChannel,
            QStringLiteral("X-Signature-Timestamp is more than %1 s away from now").arg(tolerance),
            timer);
        return;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body(), &error);
    if (!document.isObject()) {
        const Problem problem =
            Problem::badRequest(QStringLiteral("the interaction is not a JSON object"));
        m_routes->log(request, kChannel, 400, true, problem.detail(), timer);
        responder.sendProblem(problem);
        return;
    }
    const QJsonObject interaction = document.object();
    switch (interaction.value(QStringLiteral("type")).toInt()) {
    case Ping:
        m_routes->log(request, kChannel, 200, true, QStringLiteral("ping"), timer);
        responder.sendJson(200, QJsonObject{{QStringLiteral("type"), Pong}});
        return;
    case ApplicationCommand:
    case ModalSubmit:
        ingest(request, responder, interaction, timer);
        return;
    case MessageComponent:
        m_routes->log(request, kChannel, 200, true, QStringLiteral("component acknowledged"),
                      timer);
        responder.sendJson(200, QJsonObject{{QStringLiteral("type"), DeferredUpdateMessage}});
        return;
    case Autocomplete:
        m_routes->log(request, kChannel, 200, true, QStringLiteral("autocomplete"), timer);
        responder.sendJson(200,
                           QJsonObject{{QStringLiteral("type"), AutocompleteResult},
                                       {QStringLiteral("data"),
                                        QJsonObject{{QStringLiteral("choices"), QJsonArray()}}}});
        return;
    default: {
        const Problem problem =
            Problem::badRequest(QStringLiteral("unknown interaction type %1")
                                    .arg(interaction.value(QStringLiteral("type")).toInt()));
        m_routes->log(request, kChannel, 400, true, problem.detail(), timer);
        responder.sendProblem(problem);
        return;
    }
    }
}

void DiscordWebhook::ingest(const HttpRequest &request, const HttpResponder &responder,
                            const QJsonObject &interaction, const QElapsedTimer &timer)
{
    const Outcome<Message> message = DiscordChannel::parseInteraction(interaction);
    if (!message.isOk()) {
        // Discord shows "interaction failed" for anything but a 2xx; tell the user instead.
        m_routes->log(request, kChannel, 200, true, message.error().message, timer);
        responder.sendJson(200,
                           ephemeral(QStringLiteral("Sorry, this command could not be read.")));
        return;
    }
    m_routes->engine()
        ->ingest(message.value())
        .then(this, [this, request, responder, timer](const Outcome<IngestResult> &result) {
            if (!result.isOk()) {
                const Problem problem = Problem::fromError(result.error());
                m_routes->log(request, kChannel, problem.status(), true, result.error().message,
                              timer);
                responder.sendProblem(problem);
                return;
            }
            m_routes->log(request, kChannel, 200, true,
                          result.value().duplicate ? QStringLiteral("duplicate")
                                                   : QStringLiteral("accepted"),
                          timer);
            responder.sendJson(200, acknowledgement());
        });
}

} // namespace relaydesk
