// GD Station Cloud: the web client's title (copied into the sao folder by
// scripts/bootstrap.sh).
Sao.config.title = '广东省标准化站务云';
