#pragma once

#include "core/outcome.h"
#include "core/settings.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QString>

namespace relaydesk {

// Everything SettingsLoader reads, gathered by the caller so the loader itself touches no
// global state (tests hand in a synthetic environment and command line).
struct SettingsSources {
    // Lowest-precedence config file, e.g. a per-user default location chosen by the app. Used only
    // when neither --config nor RELAYDESK_CONFIG names a file; unlike those, it may be missing.
    QString configFile;
    // Option name without dashes -> value: "config", "database-url", "listen", "data-dir",
    // "log-level". Only options the user actually gave belong here.
    QMap<QString, QString> commandLine;
    QProcessEnvironment environment;
};

// Resolves Settings with the precedence command line > environment > TOML config file >
// defaults. Every problem found in any source is reported at once, so a user fixes a config
// file in one round instead of one error per start.
class SettingsLoader
{
public:
    // On failure: ErrorKind::Invalid, a printable multi-line message, and one FieldError per
    // problem. FieldError::field says where ("config.toml:7 queue.size", "environment PORT",
    // "--listen"); FieldError::message says why ("expected a positive integer, got -1").
    // Relative paths in the config file (TLS files, the system prompt file) are taken relative to
    // that file's directory and returned absolute.
    static Outcome<Settings> load(const SettingsSources &sources);

    // Epilog for --help: environment variables and config file keys, one line each.
    static QString helpText();

    // Log levels accepted by --log-level, RELAYDESK_LOG and [log] level, lower case. Aliases
    // ("warn", "trace", "fatal") are normalised to one of these.
    static QStringList logLevels();
};

} // namespace relaydesk
