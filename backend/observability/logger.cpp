#include "observability/logger.h"

#include <QDateTime>
#include <QMutex>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QStringView>

#include <cstdio>

namespace relaydesk {

Q_LOGGING_CATEGORY(lcEngine, "relaydesk.engine")
Q_LOGGING_CATEGORY(lcStorage, "relaydesk.storage")
Q_LOGGING_CATEGORY(lcServer, "relaydesk.server")
Q_LOGGING_CATEGORY(lcChannels, "relaydesk.channels")
Q_LOGGING_CATEGORY(lcAi, "relaydesk.ai")
Q_LOGGING_CATEGORY(lcApp, "relaydesk.app")
Q_LOGGING_CATEGORY(lcUi, "relaydesk.ui")

namespace {

thread_local QString t_requestId;

struct SinkState {
    QMutex mutex;
    std::function<void(const QByteArray &)> sink;
};

// Function-local so messages logged during static initialisation still find a valid state.
SinkState &sinkState()
{
    static SinkState state;
    return state;
}

QByteArray levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return QByteArrayLiteral("debug");
    case QtInfoMsg:
        return QByteArrayLiteral("info");
    case QtWarningMsg:
        return QByteArrayLiteral("warning");
    case QtCriticalMsg:
        return QByteArrayLiteral("error");
    case QtFatalMsg:
        return QByteArrayLiteral("critical");
    }
    return QByteArrayLiteral("info");
}

void appendJsonString(QByteArray &out, const QByteArray &utf8)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

QString replaceEach(const QString &text, const QRegularExpression &re,
                    const std::function<QString(const QRegularExpressionMatch &)> &replacement)
{
    QRegularExpressionMatchIterator it = re.globalMatch(text);
    if (!it.hasNext())
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype last = 0;
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        out += QStringView(text).mid(last, match.capturedStart() - last);
        out += replacement(match);
        last = match.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

// Keeps separators and the last two digits so operators can still tell numbers apart.
QString maskDigits(QStringView number)
{
    qsizetype digits = 0;
    for (const QChar c : number)
        digits += c.isDigit() ? 1 : 0;
    QString out;
    out.reserve(number.size());
    qsizetype seen = 0;
    for (const QChar c : number) {
        if (c.isDigit()) {
            ++seen;
            out += seen > digits - 2 ? c : QLatin1Char('*');
        } else {
            out += c;
        }
    }
    return out;
}

qsizetype digitCount(QStringView text)
{
    qsizetype digits = 0;
    for (const QChar c : text)
        digits += c.isDigit() ? 1 : 0;
    return digits;
}

struct Rule {
    QRegularExpression re;
    QString replacement;
};

// Secrets first: once a token is masked its digits cannot be mistaken for a phone number.
const QList<Rule> &secretRules()
{
    static const QList<Rule> rules = [] {
        const auto ci = QRegularExpression::CaseInsensitiveOption;
        QList<Rule> r;
        // scheme://user:password@host
        r.append({QRegularExpression(
                      QStringLiteral(R"(\b([A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:)[^\s/?#@]+@)")),
                  QStringLiteral("\\1***@")});
        r.append({QRegularExpression(QStringLiteral(R"(\b(bearer)\s+[A-Za-z0-9._~+/=-]+)"), ci),
                  QStringLiteral("\\1 ***")});
        r.append({QRegularExpression(QStringLiteral(R"(\b(Basic)\s+[A-Za-z0-9+/=]{8,})")),
                  QStringLiteral("\\1 ***")});
        r.append({QRegularExpression(QStringLiteral(R"((?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{6,})")),
                  QStringLiteral("sk-***")});
        r.append({QRegularExpression(
                      QStringLiteral(R"((?<![A-Za-z0-9_-])(xox[abposre])-[A-Za-z0-9-]+)")),
                  QStringLiteral("\\1-***")});
        r.append({QRegularExpression(QStringLiteral(
                      R"((?<![A-Za-z0-9_])(gh[pousr]|github_pat)_[A-Za-z0-9_]{16,})")),
                  QStringLiteral("\\1_***")});
        r.append({QRegularExpression(QStringLiteral(
                      R"(\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)")),
                  QStringLiteral("eyJ***")});
        // Telegram bot tokens, also inside api.telegram.org/bot<token>/ URLs.
        r.append({QRegularExpression(
                      QStringLiteral(R"((?<![A-Za-z0-9])(bot)?\d{6,12}:[A-Za-z0-9_-]{30,})")),
                  QStringLiteral("\\1***")});
        // token=..., api_key: ..., "client_secret":"...", X-Api-Key: ...
        r.append({QRegularExpression(
                      QStringLiteral(R"(\b([A-Za-z0-9_.-]*(?:token|secret|password|passwd|pwd|)"
                                     R"(api[_-]?key|apikey|key|signature|credentials?)))"
                                     R"(("?\s*[:=]\s*"?)[^\s"'&,;}<>]+)"),
                      ci),
                  QStringLiteral("\\1\\2***")});
        for (const Rule &rule : r)
            Q_ASSERT_X(rule.re.isValid(), "Logger::mask", qPrintable(rule.re.errorString()));
        return r;
    }();
    return rules;
}

} // namespace

Logger::RequestScope::RequestScope(const QString &requestId)
    : m_previous(t_requestId)
{
    t_requestId = requestId;
}

Logger::RequestScope::~RequestScope()
{
    t_requestId = m_previous;
}

bool Logger::install(const QString &level)
{
    const QString normalized = level.trimmed().toLower();
    bool known = true;
    QString rules;
    if (normalized == QLatin1String("debug")) {
        // Qt's own debug categories stay quiet; they would drown ours.
        rules = QStringLiteral("*.debug=false\nrelaydesk.*.debug=true\ndefault.debug=true");
    } else if (normalized.isEmpty() || normalized == QLatin1String("info")) {
        rules = QStringLiteral("*.debug=false");
    } else if (normalized == QLatin1String("warning") || normalized == QLatin1String("warn")) {
        rules = QStringLiteral("*.debug=false\n*.info=false");
    } else if (normalized == QLatin1String("error")) {
        rules = QStringLiteral("*.debug=false\n*.info=false\n*.warning=false");
    } else {
        known = false;
        rules = QStringLiteral("*.debug=false");
    }
    qInstallMessageHandler(&Logger::handleMessage);
    QLoggingCategory::setFilterRules(rules);
    if (!known) {
        qCWarning(lcApp,
                  "unknown log level \"%s\" (expected debug, info, warning or error); "
                  "using info",
                  qPrintable(level));
    }
    return known;
}

QString Logger::currentRequestId()
{
    return t_requestId;
}

QString Logger::mask(const QString &text)
{
    if (text.isEmpty())
        return text;
    QString out = text;
    for (const Rule &rule : secretRules())
        out.replace(rule.re, rule.replacement);

    static const QRegularExpression email(QStringLiteral(
        R"(([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}))"));
    out.replace(email, QStringLiteral("\\1***@\\2"));

    // E.164 with optional separators: +15551234567, +44 20 7946 0958, +1 (555) 123-4567.
    static const QRegularExpression international(QStringLiteral(R"(\+\d[\d ().-]{5,}\d)"));
    out = replaceEach(out, international, [](const QRegularExpressionMatch &m) {
        const qsizetype digits = digitCount(m.capturedView());
        return digits >= 7 && digits <= 15 ? maskDigits(m.capturedView()) : m.captured();
    });
    // North American formatting without country code: (555) 123-4567, 555.123.4567.
    static const QRegularExpression national(
        QStringLiteral(R"((?<![\d+*])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?!\d))"));
    out = replaceEach(out, national, [](const QRegularExpressionMatch &m) {
        return maskDigits(m.capturedView());
    });
    // Bare runs of 10+ digits, except the all-digit last group of a UUID.
    static const QRegularExpression digitRun(
        QStringLiteral(R"((?<![A-Za-z0-9_])(?<![0-9A-Fa-f]-)\d{10,}(?![A-Za-z0-9_]))"));
    out = replaceEach(out, digitRun, [](const QRegularExpressionMatch &m) {
        return maskDigits(m.capturedView());
    });
    return out;
}

void Logger::setSinkForTesting(std::function<void(const QByteArray &line)> sink)
{
    SinkState &state = sinkState();
    QMutexLocker locker(&state.mutex);
    state.sink = std::move(sink);
}

void Logger::handleMessage(QtMsgType type, const QMessageLogContext &context,
                           const QString &message)
{
    // Qt itself diverts messages raised inside a handler (from a regular expression or a sink)
    // to its default output, so this never re-enters while the sink mutex is held.
    write(formatLine(type, context.category, mask(message)));
}

QByteArray Logger::formatLine(QtMsgType type, const char *category, const QString &message)
{
    QByteArray line;
    line.reserve(128 + message.size());
    line += "{\"ts\":";
    appendJsonString(line, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8());
    line += ",\"level\":";
    appendJsonString(line, levelName(type));
    line += ",\"category\":";
    appendJsonString(line, QByteArray(category ? category : "default"));
    line += ",\"msg\":";
    appendJsonString(line, message.toUtf8());
    if (!t_requestId.isEmpty()) {
        line += ",\"request_id\":";
        appendJsonString(line, t_requestId.toUtf8());
    }
    line += '}';
    return line;
}

void Logger::write(const QByteArray &line)
{
    SinkState &state = sinkState();
    QMutexLocker locker(&state.mutex);
    if (state.sink) {
        state.sink(line);
        return;
    }
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fputc('\n', stderr);
    std::fflush(stderr);
}

} // namespace relaydesk
