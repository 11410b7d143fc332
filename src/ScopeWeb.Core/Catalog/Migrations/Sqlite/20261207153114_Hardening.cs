using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScopeWeb.Core.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Hardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "CancelRequestedAtUtc",
                table: "training_runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "HeartbeatUtc",
                table: "training_runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OwnerHost",
                table: "training_runs",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnerProcessId",
                table: "training_runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                // Runs recorded before this migration kept their models.
                name: "Saved",
                table: "training_runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "Error",
                table: "features",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "job_leases",
                columns: table => new
                {
                    Job = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    ExpiresAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_leases", x => new { x.Job, x.SourceId });
                    table.ForeignKey(
                        name: "FK_job_leases_sources_SourceId",
                        column: x => x.SourceId,
                        principalTable: "sources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_features_Error",
                table: "features",
                column: "Error");

            migrationBuilder.CreateIndex(
                name: "IX_job_leases_SourceId",
                table: "job_leases",
                column: "SourceId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_leases");

            migrationBuilder.DropIndex(
                name: "IX_features_Error",
                table: "features");

            migrationBuilder.DropColumn(
                name: "CancelRequestedAtUtc",
                table: "training_runs");

            migrationBuilder.DropColumn(
                name: "HeartbeatUtc",
                table: "training_runs");

            migrationBuilder.DropColumn(
                name: "OwnerHost",
                table: "training_runs");

            migrationBuilder.DropColumn(
                name: "OwnerProcessId",
                table: "training_runs");

            migrationBuilder.DropColumn(
                name: "Saved",
                table: "training_runs");

            migrationBuilder.DropColumn(
                name: "Error",
                table: "features");
        }
    }
}
