#include "ui/shell/MainWindow.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    anyrouter::MainWindow w;
    w.show();
    return app.exec();
}
