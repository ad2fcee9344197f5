// libFuzzer target: the TOML config file as SettingsLoader reads it (toml++ parsing, then
// the validation of every section and key). The loader takes a path, so each input is written
// to a private file first.
#include "core/settingsloader.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
#include <cstddef>
#include <cstdint>
#include <unistd.h>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path =
        QDir::tempPath() + QStringLiteral("/relaydesk-fuzz-%1.toml").arg(::getpid());
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        file.write(reinterpret_cast<const char *>(data), qint64(size));
    }
    SettingsSources sources;
    sources.commandLine.insert(QStringLiteral("config"), path);
    const Outcome<Settings> settings = SettingsLoader::load(sources);
    // A refusal must say why: the user fixes the file from this text.
    if (!settings.isOk() && settings.error().message.isEmpty())
        __builtin_trap();
    return 0;
}
