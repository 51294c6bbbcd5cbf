// placeholder; replaced by the CLI implementation
process.stdout.write('loss-lens\n');
