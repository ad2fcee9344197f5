#include "fakes/faketelegram.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>

namespace relaydesk {

namespace {

// Telegram's own limits.
constexpr int kMaxTextLength = 4096;
constexpr int kMaxPollTimeoutSeconds = 50;

qint64 integer(const QJsonValue &value, qint64 fallback)
{
    if (value.isDouble())
        return value.toInteger();
    bool numeric = false;
    const qint64 parsed = value.toString().toLongLong(&numeric);
    return numeric ? parsed : fallback;
}

QString string(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toInteger());
    return value.toString();
}

// A parameter sent as a JSON-encoded string in a query or form (as Telegram allows).
QJsonObject object(const QJsonValue &value)
{
    if (value.isObject())
        return value.toObject();
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

QJsonObject chatOf(const QJsonObject &update)
{
    for (const QString &kind : {QStringLiteral("message"), QStringLiteral("edited_message")}) {
        const QJsonObject chat =
            update.value(kind).toObject().value(QStringLiteral("chat")).toObject();
        if (!chat.isEmpty())
            return chat;
    }
    const QJsonObject from = update.value(QStringLiteral("callback_query"))
                                 .toObject()
                                 .value(QStringLiteral("from"))
                                 .toObject();
    if (from.isEmpty())
        return {};
    return QJsonObject{{QStringLiteral("id"), from.value(QStringLiteral("id"))},
                       {QStringLiteral("type"), QStringLiteral("private")}};
}

} // namespace

FakeTelegram::FakeTelegram(const QString &token, QObject *parent)
    : QObject(parent)
    , m_token(token)
{
    m_server.setHandler([this](const RecordedRequest &request) { return handle(request); });
    m_server.setDeferrer(
        [this](const RecordedRequest &request, const FakeHttpServer::DeferredAnswer &answer) {
            return deferPoll(request, answer);
        });
}

FakeTelegram::~FakeTelegram()
{
    m_server.setDeferrer({});
    m_server.setHandler({});
}

QString FakeTelegram::baseUrl() const
{
    return m_server.url().toString();
}

QByteArray FakeTelegram::fixtureBytes(const QString &name)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR"))
                   .filePath(QStringLiteral("telegram/") + name));
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("FakeTelegram: cannot read fixture %s", qUtf8Printable(file.fileName()));
        return {};
    }
    return file.readAll();
}

QJsonObject FakeTelegram::fixture(const QString &name)
{
    return QJsonDocument::fromJson(fixtureBytes(name)).object();
}

QJsonObject FakeTelegram::update(qint64 updateId, const QJsonObject &message, const QString &kind)
{
    return QJsonObject{{QStringLiteral("update_id"), updateId}, {kind, message}};
}

void FakeTelegram::pushUpdate(const QJsonObject &update)
{
    const QJsonObject chat = chatOf(update);
    if (!chat.isEmpty())
        m_chats.insert(chat.value(QStringLiteral("id")).toInteger(), chat);
    m_updates.append(update);
    prunePolls();
    while (!m_held.isEmpty()) {
        const HeldPoll &poll = m_held.first();
        answerPoll(0, updatesFrom(poll.offset, poll.limit));
    }
}

int FakeTelegram::openPollCount()
{
    prunePolls();
    return int(m_held.size());
}

int FakeTelegram::abandonedPollCount()
{
    prunePolls();
    return m_abandoned;
}

int FakeTelegram::releasePolls()
{
    prunePolls();
    int answered = 0;
    while (!m_held.isEmpty()) {
        // Taken out first: answering may run the client's next request, which may hold again.
        const HeldPoll poll = m_held.takeFirst();
        if (poll.timer)
            poll.timer->deleteLater();
        const FakeResponse response = updatesFrom(poll.offset, poll.limit);
        answered += poll.answer.send(response) ? 1 : 0;
    }
    return answered;
}

void FakeTelegram::addChat(qint64 chatId, const QString &type)
{
    m_chats.insert(chatId,
                   QJsonObject{{QStringLiteral("id"), chatId}, {QStringLiteral("type"), type}});
}

void FakeTelegram::addFile(const QString &fileId, const QString &filePath,
                           const QByteArray &content)
{
    m_filePaths.insert(fileId, filePath);
    m_fileContents.insert(filePath, content);
}

void FakeTelegram::failNext(const QString &method, const FakeResponse &response, int after)
{
    m_failures[method.toLower()].append(Script{std::max(0, after), response});
}

std::optional<FakeResponse> FakeTelegram::scripted(const QString &method)
{
    auto scripts = m_failures.find(method);
    if (scripts == m_failures.end() || scripts->isEmpty())
        return std::nullopt;
    Script &next = scripts->first();
    if (next.after > 0) {
        --next.after;
        return std::nullopt;
    }
    return scripts->takeFirst().response;
}

bool FakeTelegram::hasScriptNow(const QString &method) const
{
    const auto scripts = m_failures.constFind(method);
    return scripts != m_failures.cend() && !scripts->isEmpty() && scripts->first().after == 0;
}

FakeResponse FakeTelegram::tooManyRequests(int retryAfterSeconds)
{
    // The recorded body byte for byte, with only the number changed.
    QByteArray body = fixtureBytes(QStringLiteral("error_429_retry_after.json"));
    body.replace("2282", QByteArray::number(retryAfterSeconds));
    return FakeResponse::json(429, body);
}

FakeResponse FakeTelegram::errorFixture(const QString &name, int status)
{
    return FakeResponse::json(status, fixtureBytes(name));
}

QList<RecordedRequest> FakeTelegram::calls(const QString &method) const
{
    QList<RecordedRequest> matching;
    const QString suffix = QLatin1Char('/') + method.toLower();
    const QList<RecordedRequest> all = m_server.requests();
    for (const RecordedRequest &request : all) {
        if (request.path.toLower().endsWith(suffix) &&
            !request.path.startsWith(QLatin1String("/file/")))
            matching.append(request);
    }
    return matching;
}

QList<QJsonObject> FakeTelegram::callParameters(const QString &method) const
{
    QList<QJsonObject> list;
    const QList<RecordedRequest> matching = calls(method);
    for (const RecordedRequest &request : matching)
        list.append(parameters(request));
    return list;
}

QJsonObject FakeTelegram::parameters(const RecordedRequest &request)
{
    QJsonObject params;
    const auto items = request.query.queryItems(QUrl::FullyDecoded);
    for (const auto &[name, value] : items)
        params.insert(name, value);
    const QByteArray type = request.header("content-type").toLower();
    if (type.startsWith("application/json")) {
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        for (auto it = body.begin(); it != body.end(); ++it)
            params.insert(it.key(), it.value());
    } else if (type.startsWith("application/x-www-form-urlencoded")) {
        const QUrlQuery form(
            QString::fromUtf8(request.body).replace(QLatin1Char('+'), QLatin1Char(' ')));
        const auto fields = form.queryItems(QUrl::FullyDecoded);
        for (const auto &[name, value] : fields)
            params.insert(name, value);
    }
    return params;
}

bool FakeTelegram::waitForCalls(const QString &method, int count, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (calls(method).size() < count) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        connect(&m_server, &FakeHttpServer::requestReceived, &loop, &QEventLoop::quit);
        QTimer::singleShot(std::min<qint64>(deadline.remainingTime(), 100), &loop,
                           &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

QString FakeTelegram::methodOf(const RecordedRequest &request, bool *tokenOk) const
{
    // /bot<token>/<method>
    const QString prefix = QStringLiteral("/bot");
    *tokenOk = false;
    if (!request.path.startsWith(prefix))
        return {};
    const qsizetype slash = request.path.indexOf(QLatin1Char('/'), prefix.size());
    if (slash < 0)
        return {};
    *tokenOk = request.path.mid(prefix.size(), slash - prefix.size()) == m_token;
    // Method names are case-insensitive in the Bot API.
    return request.path.mid(slash + 1).toLower();
}

FakeResponse FakeTelegram::handle(const RecordedRequest &request)
{
    const QString filePrefix = QStringLiteral("/file/bot") + m_token + QLatin1Char('/');
    if (request.path.startsWith(filePrefix))
        return download(request.path.mid(filePrefix.size()));

    bool tokenOk = false;
    const QString method = methodOf(request, &tokenOk);
    if (method.isEmpty())
        return error(404, QStringLiteral("Not Found"));
    if (!tokenOk)
        return error(401, QStringLiteral("Unauthorized"));
    if (const std::optional<FakeResponse> failure = scripted(method))
        return *failure;

    const QJsonObject params = parameters(request);
    if (method == QLatin1String("getupdates"))
        return getUpdates(params);
    if (method == QLatin1String("sendmessage"))
        return sendMessage(params);
    if (method == QLatin1String("sendphoto"))
        return sendMedia(QStringLiteral("photo"), params);
    if (method == QLatin1String("senddocument"))
        return sendMedia(QStringLiteral("document"), params);
    if (method == QLatin1String("getfile"))
        return getFile(params);
    if (method == QLatin1String("answercallbackquery"))
        return ok(true);
    if (method == QLatin1String("getme")) {
        const QJsonObject sent = fixture(QStringLiteral("sendMessage_response.json"));
        return ok(sent.value(QStringLiteral("result")).toObject().value(QStringLiteral("from")));
    }
    return error(404, QStringLiteral("Not Found: method not found"));
}

bool FakeTelegram::deferPoll(const RecordedRequest &request,
                             const FakeHttpServer::DeferredAnswer &answer)
{
    bool tokenOk = false;
    if (methodOf(request, &tokenOk) != QLatin1String("getupdates") || !tokenOk)
        return false;
    if (hasScriptNow(QStringLiteral("getupdates")))
        return false;

    // Telegram allows one getUpdates at a time per bot; the newer one wins.
    prunePolls();
    while (!m_held.isEmpty())
        answerPoll(0, error(409, QStringLiteral("Conflict: terminated by other getUpdates "
                                                "request; make sure that only one bot instance "
                                                "is running")));

    const QJsonObject params = parameters(request);
    const qint64 offset = integer(params.value(QStringLiteral("offset")), 0);
    const int limit =
        int(std::clamp<qint64>(integer(params.value(QStringLiteral("limit")), 100), 1, 100));
    const int timeout = int(std::clamp<qint64>(integer(params.value(QStringLiteral("timeout")), 0),
                                               0, kMaxPollTimeoutSeconds));
    confirm(offset);
    const FakeResponse immediate = updatesFrom(offset, limit);
    const bool nothingPending = QJsonDocument::fromJson(immediate.body)
                                    .object()
                                    .value(QStringLiteral("result"))
                                    .toArray()
                                    .isEmpty();
    if (timeout == 0 || !nothingPending)
        return false;

    HeldPoll poll;
    poll.answer = answer;
    poll.offset = offset;
    poll.limit = limit;
    poll.timer = new QTimer(this);
    poll.timer->setSingleShot(true);
    QTimer *timer = poll.timer;
    connect(timer, &QTimer::timeout, this, [this, timer] {
        for (qsizetype i = 0; i < m_held.size(); ++i) {
            if (m_held.at(i).timer == timer) {
                answerPoll(i, updatesFrom(m_held.at(i).offset, m_held.at(i).limit));
                return;
            }
        }
    });
    timer->start(timeout * 1000);
    m_held.append(poll);
    // A held call is answered normally, so it counts towards a script's `after`.
    scripted(QStringLiteral("getupdates"));
    return true;
}

FakeResponse FakeTelegram::getUpdates(const QJsonObject &params)
{
    const qint64 offset = integer(params.value(QStringLiteral("offset")), 0);
    const int limit =
        int(std::clamp<qint64>(integer(params.value(QStringLiteral("limit")), 100), 1, 100));
    confirm(offset);
    return updatesFrom(offset, limit);
}

FakeResponse FakeTelegram::updatesFrom(qint64 offset, int limit) const
{
    QJsonArray result;
    for (const QJsonObject &update : m_updates) {
        if (result.size() >= limit)
            break;
        if (update.value(QStringLiteral("update_id")).toInteger() >= offset)
            result.append(update);
    }
    return ok(result);
}

void FakeTelegram::confirm(qint64 offset)
{
    // A positive offset tells Telegram every earlier update was handled: they are gone.
    if (offset <= 0)
        return;
    m_confirmedOffset = std::max(m_confirmedOffset, offset);
    m_updates.removeIf([offset](const QJsonObject &update) {
        return update.value(QStringLiteral("update_id")).toInteger() < offset;
    });
}

QJsonObject FakeTelegram::sentMessage(const QJsonObject &params, const QJsonObject &templateMessage)
{
    QJsonObject message = templateMessage;
    const qint64 chatId = integer(params.value(QStringLiteral("chat_id")), 0);
    message.insert(QStringLiteral("message_id"), m_nextMessageId++);
    message.insert(QStringLiteral("date"), QDateTime::currentSecsSinceEpoch());
    message.insert(QStringLiteral("chat"), m_chats.value(chatId));
    const QJsonObject reply = object(params.value(QStringLiteral("reply_parameters")));
    if (!reply.isEmpty()) {
        message.insert(
            QStringLiteral("reply_to_message"),
            QJsonObject{{QStringLiteral("message_id"), reply.value(QStringLiteral("message_id"))},
                        {QStringLiteral("chat"), m_chats.value(chatId)},
                        {QStringLiteral("date"), QDateTime::currentSecsSinceEpoch()}});
    }
    return message;
}

FakeResponse FakeTelegram::sendMessage(const QJsonObject &params)
{
    const QString chat = string(params.value(QStringLiteral("chat_id")));
    if (chat.isEmpty())
        return error(400, QStringLiteral("Bad Request: chat_id is empty"));
    const QString text = params.value(QStringLiteral("text")).toString();
    if (text.trimmed().isEmpty())
        return error(400, QStringLiteral("Bad Request: message text is empty"));
    if (text.size() > kMaxTextLength)
        return error(400, QStringLiteral("Bad Request: message is too long"));
    if (!m_chats.contains(integer(params.value(QStringLiteral("chat_id")), 0)))
        return errorFixture(QStringLiteral("error_400_chat_not_found.json"), 400);
    QJsonObject message = sentMessage(params, fixture(QStringLiteral("sendMessage_response.json"))
                                                  .value(QStringLiteral("result"))
                                                  .toObject());
    message.insert(QStringLiteral("text"), text);
    return ok(message);
}

FakeResponse FakeTelegram::sendMedia(const QString &kind, const QJsonObject &params)
{
    if (string(params.value(QStringLiteral("chat_id"))).isEmpty())
        return error(400, QStringLiteral("Bad Request: chat_id is empty"));
    const QString file = params.value(kind).toString();
    if (file.isEmpty())
        return error(400, QStringLiteral("Bad Request: there is no %1 in the request").arg(kind));
    if (!m_chats.contains(integer(params.value(QStringLiteral("chat_id")), 0)))
        return errorFixture(QStringLiteral("error_400_chat_not_found.json"), 400);
    QJsonObject templateMessage = fixture(QStringLiteral("sendPhoto_response.json"))
                                      .value(QStringLiteral("result"))
                                      .toObject();
    if (kind == QLatin1String("document")) {
        templateMessage.remove(QStringLiteral("photo"));
        // Shaped like the document of the recorded docs_update_document.json.
        QJsonObject document = fixture(QStringLiteral("docs_update_document.json"))
                                   .value(QStringLiteral("message"))
                                   .toObject()
                                   .value(QStringLiteral("document"))
                                   .toObject();
        document.insert(QStringLiteral("file_name"), QUrl(file).fileName());
        document.insert(QStringLiteral("file_id"),
                        QStringLiteral("BQACAgIAAxkDAAI%1").arg(m_nextMessageId));
        templateMessage.insert(QStringLiteral("document"), document);
    }
    QJsonObject message = sentMessage(params, templateMessage);
    const QString caption = params.value(QStringLiteral("caption")).toString();
    if (!caption.isEmpty())
        message.insert(QStringLiteral("caption"), caption);
    return ok(message);
}

FakeResponse FakeTelegram::getFile(const QJsonObject &params)
{
    const QString fileId = params.value(QStringLiteral("file_id")).toString();
    const auto path = m_filePaths.constFind(fileId);
    if (path == m_filePaths.cend())
        return error(400, QStringLiteral("Bad Request: invalid file_id"));
    return ok(QJsonObject{
        {QStringLiteral("file_id"), fileId},
        {QStringLiteral("file_unique_id"), QString(QStringLiteral("AQAD") + fileId.right(8))},
        {QStringLiteral("file_size"), m_fileContents.value(*path).size()},
        {QStringLiteral("file_path"), *path}});
}

FakeResponse FakeTelegram::download(const QString &filePath) const
{
    const auto content = m_fileContents.constFind(filePath);
    if (content == m_fileContents.cend())
        return error(404, QStringLiteral("Not Found"));
    FakeResponse response;
    response.status = 200;
    response.headers.insert(QByteArrayLiteral("content-type"),
                            QByteArrayLiteral("application/octet-stream"));
    response.body = *content;
    return response;
}

void FakeTelegram::prunePolls()
{
    for (qsizetype i = m_held.size() - 1; i >= 0; --i) {
        if (m_held.at(i).answer.isOpen())
            continue;
        ++m_abandoned;
        if (m_held.at(i).timer)
            m_held.at(i).timer->deleteLater();
        m_held.removeAt(i);
    }
}

void FakeTelegram::answerPoll(qsizetype index, const FakeResponse &response)
{
    const HeldPoll poll = m_held.takeAt(index);
    if (poll.timer)
        poll.timer->deleteLater();
    if (!poll.answer.send(response))
        ++m_abandoned;
}

FakeResponse FakeTelegram::ok(const QJsonValue &result)
{
    return FakeResponse::json(200, QJsonDocument(QJsonObject{{QStringLiteral("ok"), true},
                                                             {QStringLiteral("result"), result}})
                                       .toJson(QJsonDocument::Compact));
}

FakeResponse FakeTelegram::error(int code, const QString &description)
{
    return FakeResponse::json(
        code, QJsonDocument(QJsonObject{{QStringLiteral("ok"), false},
                                        {QStringLiteral("error_code"), code},
                                        {QStringLiteral("description"), description}})
                  .toJson(QJsonDocument::Compact));
}

} // namespace relaydesk
