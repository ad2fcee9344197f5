#include "core/settingsloader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QStandardPaths>
#include <QUrl>

#include <toml++/toml.h>

#include <algorithm>
#include <limits>
#include <type_traits>
#include <utility>

namespace relaydesk {
namespace {

constexpr qint64 kIntMax = std::numeric_limits<int>::max();
constexpr qint64 kInt64Max = std::numeric_limits<qint64>::max();

QString fromStd(std::string_view text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString quoted(const QString &text) {
    QString escaped = text;
    escaped.replace(QLatin1String("\\"), QLatin1String("\\\\"));
    escaped.replace(QLatin1String("\""), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

// ---- value checks shared by the config file, the environment and the command line -----------
// Each returns the reason a value is unacceptable, or an empty string when it is fine.

QString checkHost(const QString &host) {
    if (host.isEmpty())
        return QStringLiteral("expected a host name or IP address, got an empty string");
    if (std::any_of(host.cbegin(), host.cend(), [](QChar c) { return c.isSpace(); }) ||
        host.contains(QLatin1Char('/')))
        return QStringLiteral("expected a host name or IP address, got %1").arg(quoted(host));
    return {};
}

QString checkDatabaseUrl(const QString &url) {
    static const QLatin1String kSchemes[] = {
        QLatin1String("sqlite://"), QLatin1String("postgresql://"), QLatin1String("postgres://")};
    for (const QLatin1String scheme : kSchemes) {
        if (!url.startsWith(scheme, Qt::CaseInsensitive))
            continue;
        if (url.size() == scheme.size())
            return QStringLiteral("%1 needs a location after the scheme, e.g. "
                                  "sqlite:///var/lib/relaydesk/relaydesk.db")
                .arg(quoted(url));
        if (!QUrl(url, QUrl::TolerantMode).isValid())
            return QStringLiteral("%1 is not a valid URL").arg(quoted(url));
        return {};
    }
    return QStringLiteral("expected a URL starting with sqlite://, postgresql:// or postgres://, "
                          "got %1")
        .arg(quoted(url));
}

// Empty is accepted: these URLs are optional and only required by the features that use them.
QString checkHttpUrl(const QString &url) {
    if (url.isEmpty())
        return {};
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme();
    if (!parsed.isValid() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
        parsed.host().isEmpty())
        return QStringLiteral("expected an http:// or https:// URL, got %1").arg(quoted(url));
    return {};
}

// The config file may spell out the default: an empty url selects <data dir>/relaydesk.db.
QString checkOptionalDatabaseUrl(const QString &url) {
    return url.isEmpty() ? QString() : checkDatabaseUrl(url);
}

QString checkNonEmpty(const QString &text) {
    if (text.trimmed().isEmpty())
        return QStringLiteral("must not be empty");
    return {};
}

QString checkAnything(const QString &) {
    return {};
}

struct LogLevelName {
    const char *spelling;
    const char *level;
};

// Seed 000 used RUST_LOG spellings, seed 001 Python's; both keep working.
constexpr LogLevelName kLogLevels[] = {
    {"debug", "debug"},       {"info", "info"},   {"warning", "warning"}, {"error", "error"},
    {"critical", "critical"}, {"trace", "debug"}, {"warn", "warning"},    {"fatal", "critical"},
};

std::optional<QString> normalizeLogLevel(const QString &text) {
    const QString wanted = text.trimmed();
    for (const LogLevelName &name : kLogLevels) {
        if (wanted.compare(QLatin1String(name.spelling), Qt::CaseInsensitive) == 0)
            return QString(QLatin1String(name.level));
    }
    return std::nullopt;
}

QString logLevelReason(const QString &text) {
    return QStringLiteral("expected one of %1, got %2")
        .arg(SettingsLoader::logLevels().join(QLatin1String(", ")), quoted(text));
}

QString integerRangeText(qint64 min, qint64 max) {
    if (max == kIntMax || max == kInt64Max) {
        if (min == 1)
            return QStringLiteral("a positive integer");
        if (min == 0)
            return QStringLiteral("a non-negative integer");
        return QStringLiteral("an integer of at least %1").arg(min);
    }
    return QStringLiteral("an integer between %1 and %2").arg(min).arg(max);
}

// Parses the text form used by environment variables and command-line options.
std::optional<qint64> parseInteger(const QString &text, qint64 min, qint64 max, QString *reason) {
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || value < min || value > max) {
        *reason =
            QStringLiteral("expected %1, got %2").arg(integerRangeText(min, max), quoted(text));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parseBool(const QString &text) {
    const QString value = text.trimmed().toLower();
    if (value == QLatin1String("1") || value == QLatin1String("true") ||
        value == QLatin1String("yes") || value == QLatin1String("on"))
        return true;
    if (value == QLatin1String("0") || value == QLatin1String("false") ||
        value == QLatin1String("no") || value == QLatin1String("off"))
        return false;
    return std::nullopt;
}

// ---- config file ----------------------------------------------------------------------------

struct Located {
    toml::source_index line;
    FieldError error;
};

// Where the value of each config key came from, so checks that involve several keys can point
// at the source the user has to edit; and which keys were rejected, so a key that is already
// reported is not reported again as missing.
struct Origins {
    QHash<QString, QString> where;
    QSet<QString> rejected;
};

struct TomlContext {
    QString file;
    QList<Located> *problems;
    Origins *origins;

    QString where(const toml::source_region &region, const QString &key) const {
        return QStringLiteral("%1:%2 %3").arg(file, QString::number(region.begin.line), key);
    }
    void fail(const toml::source_region &region, const QString &key, const QString &reason) const {
        problems->append({region.begin.line, {where(region, key), reason}});
        origins->rejected.insert(key);
    }
};

QString typeName(const toml::node &node) {
    switch (node.type()) {
    case toml::node_type::string:
        return QStringLiteral("a string");
    case toml::node_type::integer:
        return QStringLiteral("an integer");
    case toml::node_type::floating_point:
        return QStringLiteral("a floating-point number");
    case toml::node_type::boolean:
        return QStringLiteral("a boolean");
    case toml::node_type::date:
        return QStringLiteral("a date");
    case toml::node_type::time:
        return QStringLiteral("a time");
    case toml::node_type::date_time:
        return QStringLiteral("a date-time");
    case toml::node_type::array:
        return QStringLiteral("an array");
    case toml::node_type::table:
        return QStringLiteral("a table");
    case toml::node_type::none:
        break;
    }
    return QStringLiteral("nothing");
}

std::optional<qint64> readInteger(const TomlContext &ctx, const toml::node &node,
                                  const QString &key, qint64 min, qint64 max) {
    const auto *integer = node.as_integer();
    if (!integer) {
        ctx.fail(
            node.source(), key,
            QStringLiteral("expected %1, got %2").arg(integerRangeText(min, max), typeName(node)));
        return std::nullopt;
    }
    const qint64 value = integer->get();
    if (value < min || value > max) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected %1, got %2")
                     .arg(integerRangeText(min, max), QString::number(value)));
        return std::nullopt;
    }
    return value;
}

std::optional<QString> readString(const TomlContext &ctx, const toml::node &node,
                                  const QString &key, QString (*check)(const QString &)) {
    const auto *string = node.as_string();
    if (!string) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected a string, got %1").arg(typeName(node)));
        return std::nullopt;
    }
    const QString value = fromStd(string->get());
    if (const QString reason = check(value); !reason.isEmpty()) {
        ctx.fail(node.source(), key, reason);
        return std::nullopt;
    }
    return value;
}

// Elements must be non-empty strings; an empty array is fine unless the caller says otherwise.
std::optional<QStringList> readStringArray(const TomlContext &ctx, const toml::node &node,
                                           const QString &key, bool allowEmpty) {
    const auto *array = node.as_array();
    if (!array) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected an array of strings, got %1").arg(typeName(node)));
        return std::nullopt;
    }
    QStringList values;
    bool ok = true;
    int index = 0;
    for (const toml::node &element : *array) {
        const QString elementKey =
            key % QLatin1Char('[') % QString::number(index++) % QLatin1Char(']');
        const auto *string = element.as_string();
        if (!string) {
            ctx.fail(element.source(), elementKey,
                     QStringLiteral("expected a string, got %1").arg(typeName(element)));
            ok = false;
            continue;
        }
        const QString value = fromStd(string->get()).trimmed();
        if (value.isEmpty()) {
            ctx.fail(element.source(), elementKey, QStringLiteral("must not be empty"));
            ok = false;
            continue;
        }
        values.append(value);
    }
    if (ok && values.isEmpty() && !allowEmpty) {
        ctx.fail(node.source(), key, QStringLiteral("expected at least one string"));
        return std::nullopt;
    }
    if (!ok)
        return std::nullopt;
    return values;
}

using Apply = void (*)(const TomlContext &, const toml::node &, const QString &, Settings &);
using Show = QString (*)(const Settings &);

template <auto Member, qint64 Min, qint64 Max>
void integerKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s) {
    using Field = std::remove_cvref_t<decltype(s.*Member)>;
    if (const auto value = readInteger(ctx, node, key, Min, Max))
        s.*Member = static_cast<Field>(*value);
}

template <auto Member> QString showInteger(const Settings &s) {
    return QString::number(s.*Member);
}

template <auto Member>
void boolKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s) {
    if (const auto *value = node.as_boolean())
        s.*Member = value->get();
    else
        ctx.fail(node.source(), key,
                 QStringLiteral("expected true or false, got %1").arg(typeName(node)));
}

template <auto Member> QString showBool(const Settings &s) {
    return s.*Member ? QStringLiteral("true") : QStringLiteral("false");
}

template <auto Member, QString (*Check)(const QString &)>
void stringKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s) {
    if (auto value = readString(ctx, node, key, Check))
        s.*Member = std::move(*value);
}

template <auto Member> QString showString(const Settings &s) {
    return quoted(s.*Member);
}

void aiModeKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s) {
    const auto text = readString(ctx, node, key, checkAnything);
    if (!text)
        return;
    if (const auto mode = parseAiMode(*text))
        s.defaultAiMode = *mode;
    else
        ctx.fail(node.source(), key,
                 QStringLiteral("expected one of %1, got %2")
                     .arg(allowedValues(aiModeNames()), quoted(*text)));
}

QString showAiMode(const Settings &s) {
    return quoted(toString(s.defaultAiMode));
}

void logLevelKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s) {
    const auto text = readString(ctx, node, key, checkAnything);
    if (!text)
        return;
    if (const auto level = normalizeLogLevel(*text))
        s.logLevel = *level;
    else
        ctx.fail(node.source(), key, logLevelReason(*text));
}

void tokensKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s) {
    if (const auto tokens = readStringArray(ctx, node, key, true))
        s.apiTokens = *tokens;
}

QString showTokens(const Settings &s) {
    QStringList items;
    for (const QString &token : s.apiTokens)
        items.append(quoted(token));
    return QLatin1Char('[') % items.join(QLatin1String(", ")) % QLatin1Char(']');
}

void answersKey(const TomlContext &ctx, const toml::node &node, const QString &key, Settings &s) {
    const auto *array = node.as_array();
    if (!array) {
        ctx.fail(node.source(), key,
                 QStringLiteral("expected an array of tables ([[%1]]), got %2")
                     .arg(key, typeName(node)));
        return;
    }
    QList<CannedAnswer> answers;
    bool ok = true;
    int index = 0;
    for (const toml::node &element : *array) {
        const QString elementKey =
            key % QLatin1Char('[') % QString::number(index++) % QLatin1Char(']');
        const auto *table = element.as_table();
        if (!table) {
            ctx.fail(element.source(), elementKey,
                     QStringLiteral("expected a table with keywords and reply, got %1")
                         .arg(typeName(element)));
            ok = false;
            continue;
        }
        CannedAnswer answer;
        bool hasKeywords = false;
        bool hasReply = false;
        for (auto &&[name, value] : *table) {
            const QString field = fromStd(name.str());
            const QString fieldKey = elementKey % QLatin1Char('.') % field;
            if (field == QLatin1String("keywords")) {
                hasKeywords = true;
                if (auto keywords = readStringArray(ctx, value, fieldKey, false))
                    answer.keywords = std::move(*keywords);
                else
                    ok = false;
            } else if (field == QLatin1String("reply")) {
                hasReply = true;
                if (auto reply = readString(ctx, value, fieldKey, checkNonEmpty))
                    answer.reply = std::move(*reply);
                else
                    ok = false;
            } else {
                ctx.fail(name.source(), fieldKey,
                         QStringLiteral("unknown key (an answer has keywords and reply)"));
                ok = false;
            }
        }
        if (!hasKeywords || !hasReply) {
            ctx.fail(table->source(), elementKey,
                     !hasKeywords ? QStringLiteral("missing keywords = [\"...\"]")
                                  : QStringLiteral("missing reply = \"...\""));
            ok = false;
        }
        answers.append(answer);
    }
    if (ok)
        s.offlineAnswers = answers;
}

QString showNothing(const Settings &) {
    return {};
}

struct SectionSpec {
    const char *name;
    const char *description;
};

// Sections later features add ([ai.anthropic], [channels.telegram], ...) are deliberately
// absent: until their code exists, accepting them would silently ignore the user's settings.
constexpr SectionSpec kSections[] = {
    {"server", "HTTP API server"},
    {"database", "storage engine"},
    {"queue", "job queue and delivery retries"},
    {"storage", "group commit of writes"},
    {"conversation", "threading of messages into conversations"},
    {"metrics", "Prometheus metrics"},
    {"ai", "AI drafting"},
    {"ai.offline", "built-in offline responder"},
    {"channels", "channel adapters"},
    {"channels.webhook", "generic signed webhook channel"},
    {"api", "HTTP API authentication"},
    {"rate_limit", "per-client request rate limit"},
    {"log", "logging"},
};

struct KeySpec {
    const char *section;
    const char *key;
    const char *description;
    Apply apply;
    Show show;
};

const QList<KeySpec> &keySpecs() {
    using S = Settings;
    static const QList<KeySpec> specs = {
        {"server", "host", "address the HTTP API listens on", &stringKey<&S::listenHost, checkHost>,
         &showString<&S::listenHost>},
        {"server", "port", "port the HTTP API listens on, 1..65535",
         &integerKey<&S::listenPort, 1, 65535>, &showInteger<&S::listenPort>},
        {"server", "thread_pool_size", "worker threads for CPU work; 0 = one per core",
         &integerKey<&S::threadPoolSize, 0, 1024>, &showInteger<&S::threadPoolSize>},
        {"server", "public_url", "http(s) URL clients reach this server at; empty = not published",
         &stringKey<&S::publicUrl, checkHttpUrl>, &showString<&S::publicUrl>},
        {"server", "max_body_bytes", "largest request body accepted, in bytes",
         &integerKey<&S::maxBodyBytes, 1, kInt64Max>, &showInteger<&S::maxBodyBytes>},
        {"database", "url",
         "sqlite:///path or postgresql://user:pass@host/db; empty = <data dir>/relaydesk.db",
         &stringKey<&S::databaseUrl, checkOptionalDatabaseUrl>, &showString<&S::databaseUrl>},
        {"database", "max_connections", "most database connections open at once",
         &integerKey<&S::maxConnections, 1, 10000>, &showInteger<&S::maxConnections>},
        {"queue", "size", "most jobs waiting before new messages are refused",
         &integerKey<&S::queueSize, 1, kIntMax>, &showInteger<&S::queueSize>},
        {"queue", "retry_attempts", "retries of a failed job before it is dead-lettered",
         &integerKey<&S::retryAttempts, 0, kIntMax>, &showInteger<&S::retryAttempts>},
        {"queue", "lease_seconds", "how long a claimed job stays reserved for its worker",
         &integerKey<&S::leaseSeconds, 1, kIntMax>, &showInteger<&S::leaseSeconds>},
        {"queue", "workers", "jobs processed at the same time", &integerKey<&S::workers, 1, 1024>,
         &showInteger<&S::workers>},
        {"queue", "retry_base_ms", "first retry delay in milliseconds, doubled per attempt",
         &integerKey<&S::retryBaseMs, 1, kIntMax>, &showInteger<&S::retryBaseMs>},
        {"queue", "retry_max_ms", "longest retry delay in milliseconds",
         &integerKey<&S::retryMaxMs, 1, kIntMax>, &showInteger<&S::retryMaxMs>},
        {"storage", "batch_max_writes", "most writes committed in one transaction",
         &integerKey<&S::batchMaxWrites, 1, kIntMax>, &showInteger<&S::batchMaxWrites>},
        {"storage", "batch_window_ms", "how long a write waits for others to share its commit",
         &integerKey<&S::batchWindowMs, 0, kIntMax>, &showInteger<&S::batchWindowMs>},
        {"conversation", "session_hours", "hours of silence after which a new conversation starts",
         &integerKey<&S::sessionHours, 1, kIntMax>, &showInteger<&S::sessionHours>},
        {"metrics", "enabled", "serve Prometheus metrics", &boolKey<&S::metricsEnabled>,
         &showBool<&S::metricsEnabled>},
        {"metrics", "port", "separate metrics port; 0 = /metrics on the API port",
         &integerKey<&S::metricsPort, 0, 65535>, &showInteger<&S::metricsPort>},
        {"ai", "default_mode", "what happens to AI drafts: auto, review or manual", &aiModeKey,
         &showAiMode},
        {"ai.offline", "default_reply", "offline reply when no canned answer matches",
         &stringKey<&S::offlineDefaultReply, checkNonEmpty>, &showString<&S::offlineDefaultReply>},
        {"ai.offline", "answers",
         "canned answers: [[ai.offline.answers]] with keywords = [...] and reply = \"...\"",
         &answersKey, &showNothing},
        {"channels.webhook", "enabled", "deliver replies to the generic webhook channel",
         &boolKey<&S::webhookEnabled>, &showBool<&S::webhookEnabled>},
        {"channels.webhook", "outbound_url", "http(s) URL replies are POSTed to",
         &stringKey<&S::webhookOutboundUrl, checkHttpUrl>, &showString<&S::webhookOutboundUrl>},
        {"channels.webhook", "secret", "shared secret signing inbound and outbound webhooks",
         &stringKey<&S::webhookSecret, checkAnything>, &showString<&S::webhookSecret>},
        {"channels.webhook", "timeout_ms", "outbound request timeout in milliseconds",
         &integerKey<&S::webhookTimeoutMs, 1, kIntMax>, &showInteger<&S::webhookTimeoutMs>},
        {"api", "tokens", "bearer tokens accepted by the HTTP API", &tokensKey, &showTokens},
        {"rate_limit", "enabled", "limit requests per client", &boolKey<&S::rateLimitEnabled>,
         &showBool<&S::rateLimitEnabled>},
        {"rate_limit", "requests", "requests allowed per client and period",
         &integerKey<&S::rateLimitRequests, 1, kIntMax>, &showInteger<&S::rateLimitRequests>},
        {"rate_limit", "period", "length of the rate-limit period in seconds",
         &integerKey<&S::rateLimitPeriodSeconds, 1, kIntMax>,
         &showInteger<&S::rateLimitPeriodSeconds>},
        {"log", "level", "debug, info, warning, error or critical", &logLevelKey,
         [](const Settings &s) { return quoted(s.logLevel); }},
    };
    return specs;
}

const KeySpec *findKey(const QString &section, const QString &key) {
    for (const KeySpec &spec : keySpecs()) {
        if (section == QLatin1String(spec.section) && key == QLatin1String(spec.key))
            return &spec;
    }
    return nullptr;
}

bool isSection(const QString &name) {
    return std::any_of(std::begin(kSections), std::end(kSections),
                       [&](const SectionSpec &spec) { return name == QLatin1String(spec.name); });
}

// What may appear inside a table, for "unknown key" messages that show the way out.
QStringList allowedIn(const QString &section) {
    QStringList names;
    for (const KeySpec &spec : keySpecs()) {
        if (section == QLatin1String(spec.section))
            names.append(QLatin1String(spec.key));
    }
    const QString prefix = section.isEmpty() ? QString() : section + QLatin1Char('.');
    for (const SectionSpec &spec : kSections) {
        const QString name = QLatin1String(spec.name);
        if (name.startsWith(prefix) && !name.mid(prefix.size()).contains(QLatin1Char('.')))
            names.append(QLatin1Char('[') % name % QLatin1Char(']'));
    }
    return names;
}

void walkTable(const TomlContext &ctx, const toml::table &table, const QString &path, Settings &s) {
    for (auto &&[name, value] : table) {
        const QString key = fromStd(name.str());
        const QString full = path.isEmpty() ? key : path % QLatin1Char('.') % key;
        if (const KeySpec *spec = findKey(path, key)) {
            spec->apply(ctx, value, full, s);
            ctx.origins->where.insert(full, ctx.where(name.source(), full));
            continue;
        }
        if (isSection(full)) {
            if (const auto *section = value.as_table())
                walkTable(ctx, *section, full, s);
            else
                ctx.fail(
                    name.source(), full,
                    QStringLiteral("expected a table [%1], got %2").arg(full, typeName(value)));
            continue;
        }
        const QString allowed = allowedIn(path).join(QLatin1String(", "));
        if (value.is_table() || value.is_array_of_tables())
            ctx.fail(name.source(), full,
                     QStringLiteral("unknown section [%1] (known here: %2)").arg(full, allowed));
        else
            ctx.fail(name.source(), full,
                     QStringLiteral("unknown key (known here: %1)").arg(allowed));
    }
}

void loadFile(const QString &file, Settings &s, QList<FieldError> &problems, Origins &origins) {
    const QFileInfo info(file);
    if (info.isDir()) {
        problems.append({file, QStringLiteral("expected a config file, got a directory")});
        return;
    }
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly)) {
        problems.append(
            {file, QStringLiteral("cannot read the config file: %1").arg(input.errorString())});
        return;
    }
    const QByteArray bytes = input.readAll();
    const std::string_view document(bytes.constData(), size_t(bytes.size()));
    const QByteArray sourcePath = file.toUtf8();
    const std::string_view source(sourcePath.constData(), size_t(sourcePath.size()));

    const auto parseFailed = [&](const toml::parse_error &error) {
        const auto &begin = error.source().begin;
        problems.append({QStringLiteral("%1:%2:%3")
                             .arg(file, QString::number(begin.line), QString::number(begin.column)),
                         fromStd(error.description())});
    };
    toml::table root;
#if TOML_EXCEPTIONS
    try {
        root = toml::parse(document, source);
    } catch (const toml::parse_error &error) {
        parseFailed(error);
        return;
    }
#else
    toml::parse_result result = toml::parse(document, source);
    if (!result) {
        parseFailed(result.error());
        return;
    }
    root = std::move(result).table();
#endif

    QList<Located> found;
    const TomlContext ctx{file, &found, &origins};
    walkTable(ctx, root, QString(), s);
    // toml++ tables iterate in key order; users read errors top to bottom.
    std::stable_sort(found.begin(), found.end(),
                     [](const Located &a, const Located &b) { return a.line < b.line; });
    for (const Located &problem : std::as_const(found))
        problems.append(problem.error);
}

// ---- environment and command line -----------------------------------------------------------

struct EnvSpec {
    const char *name;
    const char *description;
};

constexpr EnvSpec kEnvironment[] = {
    {"RELAYDESK_CONFIG", "config file to read when --config is not given"},
    {"DATABASE_URL", "database URL, overrides [database] url"},
    {"PORT", "port the HTTP API listens on, overrides [server] port"},
    {"RELAYDESK_DATA_DIR", "directory for the SQLite database and other data"},
    {"RELAYDESK_LOG", "log level: debug, info, warning, error or critical"},
    {"RELAYDESK_API_TOKEN", "comma-separated bearer tokens, added to [api] tokens"},
    {"RATE_LIMIT_ENABLED", "true or false, overrides [rate_limit] enabled"},
    {"RATE_LIMIT_REQUESTS", "requests per period, overrides [rate_limit] requests"},
    {"RATE_LIMIT_PERIOD", "period in seconds, overrides [rate_limit] period"},
    {"RELAYDESK_WEBHOOK_SECRET", "overrides [channels.webhook] secret"},
    {"RELAYDESK_WEBHOOK_OUTBOUND_URL", "overrides [channels.webhook] outbound_url"},
};

// An exported-but-empty variable (PORT= in a .env file) means "not set", as in most tools.
std::optional<QString> envValue(const QProcessEnvironment &env, const char *name) {
    const QString value = env.value(QLatin1String(name)).trimmed();
    if (value.isEmpty())
        return std::nullopt;
    return value;
}

QString envField(const char *name) {
    return QStringLiteral("environment %1").arg(QLatin1String(name));
}

void applyEnvironment(const QProcessEnvironment &env, Settings &s, QList<FieldError> &problems,
                      Origins &origins) {
    const auto fail = [&](const char *name, const QString &reason) {
        problems.append({envField(name), reason});
    };
    QString reason;

    if (const auto url = envValue(env, "DATABASE_URL")) {
        reason = checkDatabaseUrl(*url);
        if (reason.isEmpty())
            s.databaseUrl = *url;
        else
            fail("DATABASE_URL", reason);
    }
    if (const auto port = envValue(env, "PORT")) {
        if (const auto value = parseInteger(*port, 1, 65535, &reason)) {
            s.listenPort = quint16(*value);
            origins.where.insert(QStringLiteral("server.port"), envField("PORT"));
        } else {
            fail("PORT", reason);
        }
    }
    if (const auto dir = envValue(env, "RELAYDESK_DATA_DIR"))
        s.dataDir = *dir;
    if (const auto level = envValue(env, "RELAYDESK_LOG")) {
        if (const auto normalized = normalizeLogLevel(*level))
            s.logLevel = *normalized;
        else
            fail("RELAYDESK_LOG", logLevelReason(*level));
    }
    if (const auto tokens = envValue(env, "RELAYDESK_API_TOKEN")) {
        for (const QString &token : tokens->split(QLatin1Char(','))) {
            const QString trimmed = token.trimmed();
            if (!trimmed.isEmpty() && !s.apiTokens.contains(trimmed))
                s.apiTokens.append(trimmed);
        }
    }
    if (const auto enabled = envValue(env, "RATE_LIMIT_ENABLED")) {
        if (const auto value = parseBool(*enabled))
            s.rateLimitEnabled = *value;
        else
            fail("RATE_LIMIT_ENABLED",
                 QStringLiteral("expected true or false, got %1").arg(quoted(*enabled)));
    }
    if (const auto requests = envValue(env, "RATE_LIMIT_REQUESTS")) {
        if (const auto value = parseInteger(*requests, 1, kIntMax, &reason))
            s.rateLimitRequests = int(*value);
        else
            fail("RATE_LIMIT_REQUESTS", reason);
    }
    if (const auto period = envValue(env, "RATE_LIMIT_PERIOD")) {
        if (const auto value = parseInteger(*period, 1, kIntMax, &reason))
            s.rateLimitPeriodSeconds = int(*value);
        else
            fail("RATE_LIMIT_PERIOD", reason);
    }
    // Secrets are taken verbatim: surrounding spaces may be part of them.
    if (const QString secret = env.value(QStringLiteral("RELAYDESK_WEBHOOK_SECRET"));
        !secret.isEmpty())
        s.webhookSecret = secret;
    if (const auto url = envValue(env, "RELAYDESK_WEBHOOK_OUTBOUND_URL")) {
        reason = checkHttpUrl(*url);
        if (reason.isEmpty()) {
            s.webhookOutboundUrl = *url;
            origins.where.insert(QStringLiteral("channels.webhook.outbound_url"),
                                 envField("RELAYDESK_WEBHOOK_OUTBOUND_URL"));
        } else {
            fail("RELAYDESK_WEBHOOK_OUTBOUND_URL", reason);
            origins.rejected.insert(QStringLiteral("channels.webhook.outbound_url"));
        }
    }
}

struct ListenAddress {
    QString host;
    quint16 port = 0;
};

std::optional<ListenAddress> parseListen(const QString &text, QString *reason) {
    QString host;
    QString portText;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0 || text.mid(close + 1, 1) != QLatin1String(":")) {
            *reason = QStringLiteral("expected [IPv6]:PORT, got %1").arg(quoted(text));
            return std::nullopt;
        }
        host = text.mid(1, close - 1);
        portText = text.mid(close + 2);
    } else {
        const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
        if (colon < 0) {
            *reason = QStringLiteral("expected HOST:PORT, got %1").arg(quoted(text));
            return std::nullopt;
        }
        host = text.left(colon);
        portText = text.mid(colon + 1);
        if (host.contains(QLatin1Char(':'))) {
            *reason = QStringLiteral("IPv6 addresses need brackets, e.g. [::1]:3030; got %1")
                          .arg(quoted(text));
            return std::nullopt;
        }
    }
    if (const QString hostReason = checkHost(host); !hostReason.isEmpty()) {
        *reason = QStringLiteral("expected HOST:PORT, got %1").arg(quoted(text));
        return std::nullopt;
    }
    QString portReason;
    const auto port = parseInteger(portText, 1, 65535, &portReason);
    if (!port) {
        *reason = QStringLiteral("expected HOST:PORT with a port between 1 and 65535, got %1")
                      .arg(quoted(text));
        return std::nullopt;
    }
    return ListenAddress{host, quint16(*port)};
}

const QStringList &commandLineOptions() {
    static const QStringList options = {QStringLiteral("config"), QStringLiteral("database-url"),
                                        QStringLiteral("listen"), QStringLiteral("data-dir"),
                                        QStringLiteral("log-level")};
    return options;
}

void applyCommandLine(const QMap<QString, QString> &options, Settings &s,
                      QList<FieldError> &problems, Origins &origins) {
    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        const QString field = QStringLiteral("--") + it.key();
        const QString value = it.value().trimmed();
        if (!commandLineOptions().contains(it.key())) {
            problems.append({field, QStringLiteral("unknown option")});
            continue;
        }
        if (value.isEmpty()) {
            problems.append({field, QStringLiteral("expected a value")});
            continue;
        }
        QString reason;
        if (it.key() == QLatin1String("listen")) {
            if (const auto address = parseListen(value, &reason)) {
                s.listenHost = address->host;
                s.listenPort = address->port;
                origins.where.insert(QStringLiteral("server.port"), field);
            }
        } else if (it.key() == QLatin1String("database-url")) {
            reason = checkDatabaseUrl(value);
            if (reason.isEmpty())
                s.databaseUrl = value;
        } else if (it.key() == QLatin1String("data-dir")) {
            s.dataDir = value;
        } else if (it.key() == QLatin1String("log-level")) {
            if (const auto level = normalizeLogLevel(value))
                s.logLevel = *level;
            else
                reason = logLevelReason(value);
        }
        if (!reason.isEmpty())
            problems.append({field, reason});
    }
}

// Checks spanning several keys run on the merged result, reported where the user can fix them.
void checkCombination(const Settings &s, const Origins &origins, QList<FieldError> &problems) {
    const auto origin = [&](const char *key) {
        const QString name = QLatin1String(key);
        return origins.where.value(name, name);
    };
    if (s.webhookEnabled && s.webhookOutboundUrl.isEmpty() &&
        !origins.rejected.contains(QStringLiteral("channels.webhook.outbound_url")))
        problems.append({origin("channels.webhook.enabled"),
                         QStringLiteral("the webhook channel is enabled but has no outbound_url; "
                                        "set [channels.webhook] outbound_url or "
                                        "RELAYDESK_WEBHOOK_OUTBOUND_URL to an http(s) URL")});
    if (s.retryMaxMs < s.retryBaseMs) {
        const char *key = origins.where.contains(QStringLiteral("queue.retry_max_ms"))
                              ? "queue.retry_max_ms"
                              : "queue.retry_base_ms";
        problems.append(
            {origin(key), QStringLiteral("queue.retry_max_ms (%1) must not be less than "
                                         "queue.retry_base_ms (%2)")
                              .arg(s.retryMaxMs)
                              .arg(s.retryBaseMs)});
    }
    if (s.metricsEnabled && s.metricsPort != 0 && s.metricsPort == s.listenPort)
        problems.append({origin("metrics.port"),
                         QStringLiteral("metrics port %1 is also the API port; use another port, "
                                        "or 0 to serve /metrics on the API port")
                             .arg(s.metricsPort)});
}

} // namespace

Outcome<Settings> SettingsLoader::load(const SettingsSources &sources) {
    Settings settings;
    QList<FieldError> problems;
    Origins origins;

    // The file is chosen first because everything else overrides what it says.
    QString file;
    bool mayBeMissing = false;
    if (sources.commandLine.contains(QStringLiteral("config"))) {
        file = sources.commandLine.value(QStringLiteral("config")).trimmed();
    } else if (const auto fromEnv = envValue(sources.environment, "RELAYDESK_CONFIG")) {
        file = *fromEnv;
    } else {
        file = sources.configFile;
        mayBeMissing = true;
    }
    if (!file.isEmpty() && !(mayBeMissing && !QFileInfo::exists(file))) {
        settings.configFile = file;
        loadFile(file, settings, problems, origins);
    }

    applyEnvironment(sources.environment, settings, problems, origins);
    applyCommandLine(sources.commandLine, settings, problems, origins);

    if (settings.dataDir.isEmpty())
        settings.dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                           QStringLiteral("/relaydesk");
    // Absolute, so a later change of working directory cannot move the database.
    settings.dataDir = QDir::cleanPath(QFileInfo(settings.dataDir).absoluteFilePath());

    checkCombination(settings, origins, problems);

    if (problems.isEmpty())
        return settings;

    QString message = problems.size() == 1
                          ? QStringLiteral("The settings have 1 problem:")
                          : QStringLiteral("The settings have %1 problems:").arg(problems.size());
    for (const FieldError &problem : std::as_const(problems))
        message += QStringLiteral("\n  ") % problem.field % QStringLiteral(": ") % problem.message;
    return Error{ErrorKind::Invalid, message, problems, 0};
}

QString SettingsLoader::helpText() {
    const Settings defaults;
    QString text = QStringLiteral(
        "Settings are taken from the command line, then the environment, then the config file,\n"
        "then built-in defaults.\n\nEnvironment variables:\n");
    qsizetype width = 0;
    for (const EnvSpec &spec : kEnvironment)
        width = std::max(width, qsizetype(qstrlen(spec.name)));
    for (const EnvSpec &spec : kEnvironment)
        text += QStringLiteral("  ") % QString(QLatin1String(spec.name)).leftJustified(width + 2) %
                QLatin1String(spec.description) % QLatin1Char('\n');

    text += QStringLiteral("\nConfig file (TOML) keys, with defaults:\n");
    width = 0;
    for (const KeySpec &spec : keySpecs())
        width = std::max(width, qsizetype(qstrlen(spec.key)));
    for (const SectionSpec &section : kSections) {
        const QString name = QLatin1String(section.name);
        QString keys;
        for (const KeySpec &spec : keySpecs()) {
            if (name != QLatin1String(spec.section))
                continue;
            // Long defaults (the offline reply) would wrap the one-line layout, and "" says
            // nothing; default.toml shows both.
            QString value = spec.show(defaults);
            if (value.size() > 40 || value == QLatin1String("\"\""))
                value.clear();
            keys += QStringLiteral("    ") %
                    QString(QLatin1String(spec.key)).leftJustified(width + 2) %
                    QLatin1String(spec.description) %
                    (value.isEmpty() ? QString() : QStringLiteral(" (default: %1)").arg(value)) %
                    QLatin1Char('\n');
        }
        // Parent-only tables such as [channels] hold no keys of their own.
        if (keys.isEmpty())
            continue;
        text += QStringLiteral("  [") % name % QStringLiteral("]  ") %
                QLatin1String(section.description) % QLatin1Char('\n') % keys;
    }
    return text;
}

QStringList SettingsLoader::logLevels() {
    return {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
            QStringLiteral("error"), QStringLiteral("critical")};
}

} // namespace relaydesk
