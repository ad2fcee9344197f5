#include "ui/settingsdialog.h"

#include "ui/providertest.h"
#include "ui/secretstore.h"
#include "ui/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

QString secretLabel(const QString &key)
{
    if (key == QLatin1String("ai.anthropic.api_key"))
        return SettingsDialog::tr("Anthropic API key");
    if (key == QLatin1String("ai.openai.api_key"))
        return SettingsDialog::tr("OpenAI API key");
    if (key == QLatin1String("channels.telegram.bot_token"))
        return SettingsDialog::tr("Telegram bot token");
    if (key == QLatin1String("channels.discord.bot_token"))
        return SettingsDialog::tr("Discord bot token");
    if (key == QLatin1String("channels.twilio.auth_token"))
        return SettingsDialog::tr("Twilio auth token");
    if (key == QLatin1String("channels.sendgrid.api_key"))
        return SettingsDialog::tr("SendGrid API key");
    if (key == QLatin1String("channels.twitter.bearer_token"))
        return SettingsDialog::tr("X bearer token");
    return SettingsDialog::tr("Webhook signing secret");
}

} // namespace

QString SettingsDialog::operatorKey()
{
    return QStringLiteral("Operator/name");
}
QString SettingsDialog::languageKey()
{
    return QStringLiteral("Appearance/language");
}
QString SettingsDialog::themeKey()
{
    return QStringLiteral("Appearance/theme");
}
QString SettingsDialog::notifyKey()
{
    return QStringLiteral("Notifications/urgent");
}

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_store(new SecretStore(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    resize(640, 520);
    auto *column = new QVBoxLayout(this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("settingsTabs"));
    m_tabs->addTab(buildGeneral(), tr("General"));
    m_tabs->addTab(buildCanned(), tr("Canned responses"));
    m_tabs->addTab(buildSecrets(), tr("Keys and tokens"));
    column->addWidget(m_tabs, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("settingsButtons"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    column->addWidget(buttons);
}

QWidget *SettingsDialog::buildGeneral()
{
    QSettings settings;
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_operator = new QLineEdit(settings.value(operatorKey()).toString(), page);
    m_operator->setObjectName(QStringLiteral("operatorNameEdit"));
    m_operator->setPlaceholderText(qEnvironmentVariable("USER"));
    m_operator->setAccessibleName(tr("Your name"));
    form->addRow(tr("Your &name:"), m_operator);
    auto *nameHint = new QLabel(tr("Shown as the author of your replies and approvals, and used "
                                   "for \"Assigned to me\"."),
                                page);
    nameHint->setWordWrap(true);
    nameHint->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::mutedText())));
    form->addRow(QString(), nameHint);

    m_language = new QComboBox(page);
    m_language->setObjectName(QStringLiteral("languageBox"));
    m_language->setAccessibleName(tr("Language"));
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->setCurrentIndex(
        std::max(0, m_language->findData(settings.value(languageKey()).toString())));
    form->addRow(tr("&Language:"), m_language);

    m_theme = new QComboBox(page);
    m_theme->setObjectName(QStringLiteral("themeBox"));
    m_theme->setAccessibleName(tr("Colours"));
    m_theme->addItem(tr("Follow the system"), QString());
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(settings.value(themeKey()).toString())));
    form->addRow(tr("&Colours:"), m_theme);
    auto *restartHint =
        new QLabel(tr("Language and colours change the next time Relaydesk starts."), page);
    restartHint->setWordWrap(true);
    restartHint->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::mutedText())));
    form->addRow(QString(), restartHint);

    m_notify = new QCheckBox(tr("Notify me about &urgent customer messages"), page);
    m_notify->setObjectName(QStringLiteral("notifyUrgentBox"));
    m_notify->setChecked(settings.value(notifyKey(), true).toBool());
    form->addRow(QString(), m_notify);
    return page;
}

QWidget *SettingsDialog::buildCanned()
{
    auto *page = new QWidget(this);
    auto *column = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("Type a slash and the name in the reply box (for example /refund) "
                                "to insert the text."),
                             page);
    intro->setWordWrap(true);
    column->addWidget(intro);
    m_canned = new QTableWidget(0, 2, page);
    m_canned->setObjectName(QStringLiteral("cannedTable"));
    m_canned->setAccessibleName(tr("Canned responses"));
    m_canned->setHorizontalHeaderLabels({tr("Name"), tr("Text")});
    m_canned->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_canned->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_canned->verticalHeader()->hide();
    m_canned->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_canned->setWordWrap(true);
    column->addWidget(m_canned, 1);
    for (const CannedResponse &response : CannedResponses::load())
        addCannedResponse(response.name, response.text);
    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("&Add"), page);
    add->setObjectName(QStringLiteral("addCannedButton"));
    auto *remove = new QPushButton(tr("&Remove"), page);
    remove->setObjectName(QStringLiteral("removeCannedButton"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    column->addLayout(buttons);
    connect(add, &QPushButton::clicked, this, [this] {
        addCannedResponse(tr("new-response"), QString());
        m_canned->setCurrentCell(m_canned->rowCount() - 1, 0);
        m_canned->editItem(m_canned->item(m_canned->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_canned->currentRow();
        if (row >= 0)
            m_canned->removeRow(row);
    });
    return page;
}

QWidget *SettingsDialog::buildSecrets()
{
    auto *page = new QWidget(this);
    auto *column = new QVBoxLayout(page);
    auto *intro = new QLabel(tr("Keys and tokens go to the system keychain, never to a settings "
                                "file. Leave a field empty to keep what is stored. The engine also "
                                "reads them from the environment variables shown."),
                             page);
    intro->setWordWrap(true);
    column->addWidget(intro);
    auto *form = new QFormLayout;
    for (const SecretStore::Entry &entry : SecretStore::entries()) {
        auto *edit = new QLineEdit(page);
        edit->setObjectName(QStringLiteral("secret_") + entry.key);
        edit->setEchoMode(QLineEdit::Password);
        edit->setPlaceholderText(entry.environment);
        edit->setAccessibleName(secretLabel(entry.key));
        edit->setClearButtonEnabled(true);
        form->addRow(secretLabel(entry.key) + QLatin1Char(':'), edit);
        m_secrets.insert(entry.key, edit);
    }
    column->addLayout(form);
    m_secretStatus = new QLabel(page);
    m_secretStatus->setObjectName(QStringLiteral("secretStatus"));
    m_secretStatus->setWordWrap(true);
    m_secretStatus->setTextFormat(Qt::PlainText);
    m_secretStatus->hide();
    column->addWidget(m_secretStatus);
    m_saveSecrets = new QPushButton(tr("&Save to keychain"), page);
    m_saveSecrets->setObjectName(QStringLiteral("saveSecretsButton"));
    connect(m_saveSecrets, &QPushButton::clicked, this, &SettingsDialog::saveSecrets);
    column->addWidget(m_saveSecrets, 0, Qt::AlignLeft);
    column->addStretch(1);
    return page;
}

void SettingsDialog::showProviders(const Settings &engineSettings)
{
    if (m_providerTest)
        return;
    m_engineSettings = engineSettings;
    m_providerTest = new ProviderTest(this);
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("providersPage"));
    auto *column = new QVBoxLayout(page);
    auto *intro = new QLabel(
        tr("The providers as the running engine uses them. Chain: %1. Keys are set on the "
           "\"Keys and tokens\" page or in the environment; the rest comes from the [ai] "
           "section of the configuration file.")
            .arg(engineSettings.aiChain.join(QStringLiteral(" → "))),
        page);
    intro->setWordWrap(true);
    column->addWidget(intro);
    auto *grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    const QList<std::pair<QString, const AiProviderSettings *>> providers{
        {QStringLiteral("anthropic"), &engineSettings.anthropic},
        {QStringLiteral("openai"), &engineSettings.openai},
        {QStringLiteral("local"), &engineSettings.local}};
    int row = 0;
    for (const auto &[name, provider] : providers) {
        const bool needsKey = name != QLatin1String("local");
        const QString key = !needsKey                    ? tr("no key needed")
                            : provider->apiKey.isEmpty() ? tr("no key set")
                                                         : tr("key set");
        const int place = int(engineSettings.aiChain.indexOf(name));
        auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped()), page);
        auto *detail =
            new QLabel(tr("%1 at %2, %3, %4")
                           .arg(provider->model, provider->baseUrl, key,
                                place >= 0 ? tr("position %1 in the chain").arg(place + 1)
                                           : tr("not in the chain")),
                       page);
        detail->setTextFormat(Qt::PlainText);
        detail->setWordWrap(true);
        auto *test = new QPushButton(tr("Test"), page);
        test->setObjectName(QStringLiteral("testProvider_") + name);
        test->setAccessibleName(tr("Test %1").arg(name));
        test->setToolTip(tr("Ask %1 for a one-word answer with these settings").arg(name));
        auto *result = new QLabel(page);
        result->setObjectName(QStringLiteral("providerResult_") + name);
        result->setTextFormat(Qt::PlainText);
        result->setWordWrap(true);
        grid->addWidget(title, row, 0);
        grid->addWidget(detail, row, 1);
        grid->addWidget(test, row, 2);
        grid->addWidget(result, row + 1, 1, 1, 2);
        row += 2;
        m_providerTests.insert(name, test);
        m_providerResults.insert(name, result);
        connect(test, &QPushButton::clicked, this, [this, name] {
            QLabel *label = m_providerResults.value(name);
            const QString refused = m_providerTest->start(m_engineSettings, name);
            label->setStyleSheet(
                QStringLiteral("color: %1;")
                    .arg(Theme::css(refused.isEmpty() ? Theme::mutedText() : Theme::errorText())));
            label->setText(refused.isEmpty() ? tr("Asking %1…").arg(name) : refused);
            for (QPushButton *button : std::as_const(m_providerTests))
                button->setEnabled(!m_providerTest->isRunning());
        });
    }
    connect(m_providerTest, &ProviderTest::finished, this,
            [this](const QString &name, bool ok, const QString &summary) {
                QLabel *label = m_providerResults.value(name);
                label->setStyleSheet(
                    QStringLiteral("color: %1;")
                        .arg(Theme::css(ok ? Theme::successText() : Theme::errorText())));
                label->setText(summary);
                for (QPushButton *button : std::as_const(m_providerTests))
                    button->setEnabled(true);
            });
    column->addLayout(grid);
    column->addStretch(1);
    m_tabs->insertTab(1, page, tr("AI providers"));
}

bool SettingsDialog::isTestingProvider() const
{
    return m_providerTest && m_providerTest->isRunning();
}

void SettingsDialog::addCannedResponse(const QString &name, const QString &text)
{
    const int row = m_canned->rowCount();
    m_canned->insertRow(row);
    m_canned->setItem(row, 0, new QTableWidgetItem(name));
    m_canned->setItem(row, 1, new QTableWidgetItem(text));
}

QList<CannedResponse> SettingsDialog::cannedResponses() const
{
    QList<CannedResponse> responses;
    for (int row = 0; row < m_canned->rowCount(); ++row) {
        const QTableWidgetItem *name = m_canned->item(row, 0);
        const QTableWidgetItem *text = m_canned->item(row, 1);
        if (name && text)
            responses << CannedResponse{name->text(), text->text()};
    }
    return responses;
}

void SettingsDialog::saveSecrets()
{
    if (m_pendingSecrets > 0)
        return;
    m_secretErrors.clear();
    QList<std::pair<QString, QString>> changed;
    for (auto it = m_secrets.cbegin(); it != m_secrets.cend(); ++it) {
        if (!it.value()->text().isEmpty())
            changed << std::pair{it.key(), it.value()->text()};
    }
    if (changed.isEmpty()) {
        m_secretStatus->setText(tr("Nothing to save: all fields are empty."));
        m_secretStatus->show();
        return;
    }
    m_pendingSecrets = int(changed.size());
    m_saveSecrets->setEnabled(false);
    m_secretStatus->setText(tr("Saving…"));
    m_secretStatus->show();
    for (const auto &[key, value] : changed) {
        m_store->write(key, value, [this, key = key](bool ok, const QString &error) {
            if (ok)
                m_secrets.value(key)->clear();
            else
                m_secretErrors << error;
            if (--m_pendingSecrets > 0)
                return;
            m_saveSecrets->setEnabled(true);
            const bool failed = !m_secretErrors.isEmpty();
            m_secretStatus->setStyleSheet(
                QStringLiteral("color: %1;")
                    .arg(Theme::css(failed ? Theme::errorText() : Theme::successText())));
            m_secretStatus->setText(failed ? SecretStore::fallbackMessage(m_secretErrors.first())
                                           : tr("Stored in the system keychain."));
        });
    }
}

void SettingsDialog::accept()
{
    QSettings settings;
    const QString name = m_operator->text().trimmed();
    if (name.isEmpty())
        settings.remove(operatorKey());
    else
        settings.setValue(operatorKey(), name);
    settings.setValue(languageKey(), m_language->currentData());
    settings.setValue(themeKey(), m_theme->currentData());
    settings.setValue(notifyKey(), m_notify->isChecked());
    CannedResponses::save(cannedResponses());
    Q_EMIT applied();
    QDialog::accept();
}

} // namespace relaydesk::ui
